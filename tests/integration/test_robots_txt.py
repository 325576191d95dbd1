"""robots.txt: search engines may read the booking pages, never a personal link, the owner side or the API."""
import urllib.robotparser


def robots(api) -> urllib.robotparser.RobotFileParser:
    answer = api.http.get("/robots.txt")
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/plain")
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(answer.body.decode().splitlines())
    return parser


def test_robots_txt_allows_the_booking_pages_only(api):
    parser = robots(api)
    assert parser.can_fetch("Googlebot", "https://book.example/book/demo?service=color")
    for private in ("/owner", "/owner/agenda", "/manage/abc", "/m/abc", "/claim/abc", "/v1/salons/demo",
                    "/v1/openapi.json"):
        assert not parser.can_fetch("Googlebot", f"https://book.example{private}"), private
