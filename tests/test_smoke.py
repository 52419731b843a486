def test_demo_data_loads(demo_data, client):
    from clinics.models import Clinic

    assert Clinic.objects.count() == 13
    assert client.get("/api/v1/clinics/nearest/?q=61265").status_code == 200


def test_a_server_process_freezes_what_its_start_up_loaded():
    """The geocoder's index is loaded at start-up and frozen: full garbage collections no longer walk it."""
    import subprocess
    import sys

    check = "import gc, locator.wsgi; print(gc.get_freeze_count())"
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 100_000
