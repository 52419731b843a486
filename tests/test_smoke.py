def test_demo_data_loads(demo_data, client):
    from clinics.models import Clinic

    assert Clinic.objects.count() == 13
    assert client.get("/api/v1/clinics/nearest/?q=61265").status_code == 200
