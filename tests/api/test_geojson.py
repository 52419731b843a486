"""GET /api/v1/clinics.geojson: the clinics as GeoJSON, inside a bounding box, a page at a time."""

from urllib.parse import urlsplit

import pytest

from clinics.api.serializers import ClinicSerializer
from clinics.models import PUBLIC_STATUSES, Clinic
from tests.factories import ClinicFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/clinics.geojson"


def located_active():
    return Clinic.objects.filter(status__in=PUBLIC_STATUSES, latitude__isnull=False, longitude__isnull=False)


def follow_pages(client, params):
    """Every page from the first, following the next links as a client would; the answers in order."""
    pages = [client.get(URL, params)]
    while True:
        assert pages[-1].status_code == 200
        nexts = [link["href"] for link in pages[-1].json()["links"] if link["rel"] == "next"]
        if not nexts:
            return [page.json() for page in pages]
        address = urlsplit(nexts[0])
        pages.append(client.get(f"{address.path}?{address.query}"))


def test_without_parameters_one_answer_holds_every_clinic(client, demo_data):
    body = client.get(URL).json()
    assert sorted(f["id"] for f in body["features"]) == sorted(located_active().values_list("slug", flat=True))
    assert body["numberReturned"] == 13
    assert body["links"] == [
        {"rel": "self", "type": "application/geo+json", "title": "This page", "href": "http://testserver" + URL}
    ]


def test_pages_follow_one_another_until_every_clinic_is_sent_once(client, demo_data):
    pages = follow_pages(client, {"limit": 5})
    assert [page["numberReturned"] for page in pages] == [5, 5, 3]
    assert [len(page["features"]) for page in pages] == [5, 5, 3]
    sent = [feature["id"] for page in pages for feature in page["features"]]
    assert sorted(sent) == sorted(located_active().values_list("slug", flat=True))


def test_a_page_is_read_in_two_queries_however_many_clinics(client, demo_data, django_assert_num_queries):
    with django_assert_num_queries(2):  # the clinics, and their services
        body = client.get(URL, {"limit": 1000}).json()
    assert body["numberReturned"] == 13


def test_a_page_that_ends_the_collection_has_no_next_link(client, demo_data):
    body = client.get(URL, {"limit": 13}).json()
    assert body["numberReturned"] == 13
    assert [link["rel"] for link in body["links"]] == ["self"]


def test_next_links_keep_the_box_and_the_page_size_on_the_sites_address(client, settings, demo_data):
    settings.SITE_URL = "https://clinics.example.org"
    body = client.get(URL, {"bbox": "-92,40,-89,43", "limit": "2"}).json()
    links = {link["rel"]: link["href"] for link in body["links"]}
    last = body["features"][-1]["id"]
    assert links["self"] == "https://clinics.example.org/api/v1/clinics.geojson?bbox=-92,40,-89,43&limit=2"
    assert (
        links["next"] == f"https://clinics.example.org/api/v1/clinics.geojson?bbox=-92,40,-89,43&limit=2&after={last}"
    )


@pytest.mark.parametrize(
    "box",
    [(-91.0, 41.0, -90.0, 42.0), (-96.5, 40.0, -95.5, 42.0), (-180, -90, 180, 90), (-80.0, 30.0, -70.0, 40.0)],
)
def test_a_box_holds_exactly_the_clinics_inside_it(client, demo_data, box):
    west, south, east, north = box
    inside = sorted(
        c.slug for c in located_active() if west <= float(c.longitude) <= east and south <= float(c.latitude) <= north
    )
    sent = [
        f["id"]
        for page in follow_pages(client, {"bbox": ",".join(map(str, box)), "limit": 3})
        for f in page["features"]
    ]
    assert sorted(sent) == inside


def test_a_box_across_the_180th_meridian_wraps_around(client):
    ClinicFactory(name="East of the line", latitude=0.5, longitude=179.5)
    ClinicFactory(name="West of the line", latitude=-0.5, longitude=-179.5)
    ClinicFactory(name="Greenwich", latitude=0.5, longitude=0.0)
    body = client.get(URL, {"bbox": "179,-1,-179,1"}).json()
    assert sorted(f["properties"]["name"] for f in body["features"]) == ["East of the line", "West of the line"]


def test_each_feature_is_a_point_with_the_clinics_public_fields(client, rf, demo_data):
    request = rf.get("/")
    by_slug = {c.slug: c for c in located_active().prefetch_related("services")}
    for feature in client.get(URL).json()["features"]:
        clinic = by_slug[feature["id"]]
        assert feature["type"] == "Feature"
        assert feature["geometry"] == {
            "type": "Point",
            "coordinates": [float(clinic.longitude), float(clinic.latitude)],
        }
        assert feature["properties"] == ClinicSerializer(clinic, context={"request": request}).data
        assert "internal_notes" not in feature["properties"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "1,2,3,4,5"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"bbox": ""}, "bbox"),
        ({"bbox": "-90,43,-89,40"}, "bbox"),  # south above north
        ({"bbox": "-181,40,-89,43"}, "bbox"),
        ({"bbox": "-92,-91,-89,43"}, "bbox"),
        ({"bbox": "nan,40,-89,43"}, "bbox"),
        ({"bbox": "1_0,40,20,43"}, "bbox"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"limit": ""}, "limit"),
        ({"after": ""}, "after"),
        ({"after": "no spaces"}, "after"),
        ({"after": "x" * 151}, "after"),
        ({"after": "moline\n"}, "after"),
    ],
)
def test_a_bad_parameter_gets_a_400_naming_it(client, demo_data, params, field):
    response = client.get(URL, params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_parameters"
    assert list(error["fields"]) == [field]
    assert error["message"] == error["fields"][field][0]


def test_an_after_that_names_no_clinic_still_starts_after_it(client, demo_data):
    body = client.get(URL, {"after": "m"}).json()
    expected = [slug for slug in located_active().values_list("slug", flat=True) if slug > "m"]
    assert sorted(f["id"] for f in body["features"]) == sorted(expected)
