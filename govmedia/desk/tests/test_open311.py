"""An Open311 GeoReport v2 client, written to the specification with httpx, against the live server.

No maintained Python package files requests: `georeport` 0.3.1 only reads,
`open311` 1.1 is of 2011 (docs/desk-api.md). So the client here is the
specification's calls, each one as a FixMyStreet-style client would make it.
"""

from __future__ import annotations

import httpx
import pytest

from govmedia.desk.models import Channel, Message, Status

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


class GeoReportClient:
    def __init__(self, root: str) -> None:
        self.http = httpx.Client(base_url=root.rstrip("/") + "/", timeout=30)

    def services(self) -> list[dict]:
        return self._ok(self.http.get("services.json"))

    def service_definition(self, code: str) -> dict:
        return self._ok(self.http.get(f"services/{code}.json"))

    def create(self, **fields) -> list[dict]:
        return self._ok(self.http.post("requests.json", data=fields), 201)

    def requests(self, **params) -> list[dict]:
        return self._ok(self.http.get("requests.json", params=params))

    def request(self, request_id: str) -> dict:
        return self._ok(self.http.get(f"requests/{request_id}.json"))[0]

    @staticmethod
    def _ok(response: httpx.Response, status: int = 200):
        assert response.status_code == status, response.text
        assert response.headers["content-type"].startswith("application/json")
        return response.json()


@pytest.fixture
def open311(live_server):
    client = GeoReportClient(f"{live_server.url}/open311/v2/")
    yield client
    # A keep-alive connection left open keeps its server thread waiting; when it
    # ends after the session's live server has stopped sharing the test's SQLite
    # connection, closing it there raises in that thread.
    client.http.close()


def test_a_client_files_a_request_and_reads_it_back(open311):
    services = {s["service_code"]: s for s in open311.services()}
    assert set(services) == {"consult", "complaint", "suggestion", "help", "error"}
    assert services["complaint"]["service_name"] == "投诉"
    assert (
        services["complaint"]["metadata"] is False and services["complaint"]["type"] == "realtime"
    )
    assert open311.service_definition("complaint") == {
        "service_code": "complaint",
        "attributes": [],
    }

    created = open311.create(
        service_code="help",
        lat="39.9087",
        long="116.3975",
        address_string="示例市光明路与和平街交叉口",
        description="路口的路灯坏了一个星期，晚上很黑，请尽快修理。联系我13812345678。",
        first_name="小明",
        last_name="王",
        email="wang@example.com",
        phone="13812345678",
        media_url="https://example.com/photo.jpg",
        api_key="anything",
    )
    assert len(created) == 1
    request_id = created[0]["service_request_id"]
    assert "查询码" in created[0]["service_notice"]
    message = Message.objects.get(number=request_id)
    assert message.channel == Channel.OPEN311 and message.name == "王 小明"
    assert message.latitude == pytest.approx(39.9087)

    found = open311.request(request_id)
    assert found["service_code"] == "help" and found["status"] == "open"
    assert found["lat"] == pytest.approx(39.9087) and found["long"] == pytest.approx(116.3975)
    assert found["media_url"] == "https://example.com/photo.jpg"
    assert "路灯坏了" in found["description"]
    assert found["requested_datetime"].endswith("+08:00")
    text = repr(found)
    for personal in ("13812345678", "wang@example.com", "小明"):
        assert personal not in text

    listed = open311.requests(service_request_id=f"{request_id},NOPE")
    assert [r["service_request_id"] for r in listed] == [request_id]
    assert open311.requests(status="closed") == []
    assert [
        r["service_request_id"] for r in open311.requests(service_code="help", status="open")
    ] == [request_id]

    Message.objects.filter(pk=message.pk).update(
        status=Status.ANSWERED, answer="已修复。", is_public=True, answered_at=message.received_at
    )
    closed = open311.request(request_id)
    assert closed["status"] == "closed" and closed["status_notes"] == "已修复。"


def test_it_answers_errors_in_open311_shape(open311):
    http = open311.http
    missing = http.post("requests.json", data={"service_code": "help", "description": "x"})
    assert missing.status_code == 400
    assert missing.json()[0]["code"] == 400 and "lat" in missing.json()[0]["description"]
    unknown = http.post(
        "requests.json", data={"service_code": "disclosure", "lat": "1", "long": "2"}
    )
    assert unknown.status_code == 404 and unknown.json()[0]["code"] == 404
    empty = http.post("requests.json", data={"service_code": "help", "lat": "1", "long": "2"})
    assert empty.status_code == 400 and "description" in empty.json()[0]["description"]
    xml = http.get("services.xml")
    assert xml.status_code == 400 and "JSON" in xml.json()[0]["description"]
    assert http.get("requests/NOPE.json").status_code == 404
    assert http.get("nothing-here").json()[0]["code"] == 404
    assert http.delete("requests.json").status_code == 405
    assert http.get("requests.json", params={"start_date": "yesterday"}).status_code == 400
    assert Message.objects.count() == 0
