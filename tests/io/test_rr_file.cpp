// RR file readers: every supported layout, and clear errors that name the line and the reason.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>

#include "io/rr_file.h"

using namespace steady::io;

namespace {
std::string error_of(const std::string& text) {
    try {
        parse_rr(text, "f.txt");
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}
}  // namespace

TEST_CASE("plain text: LF or CRLF, comments, blanks, ms or s by magnitude", "[io]") {
    auto a = parse_rr("800\n810\n\n# note\n790\n", "a");
    CHECK(a.rr_ms == std::vector<double>{800, 810, 790});
    CHECK(a.format == "plain");
    auto b = parse_rr("0.8\r\n0.8125\r\n0.79\r\n", "b");
    CHECK(b.rr_ms[1] == Approx(812.5));
    CHECK(b.units_found == Units::s);
    auto c = parse_rr("800\n", "c", Units::s);  // --units wins over magnitude
    CHECK(c.rr_ms[0] == Approx(800000));
}

TEST_CASE("a trailing 0 end marker is dropped, a real file with one reads", "[io]") {
    CHECK(parse_rr("800\n810\n0\n", "x").rr_ms.size() == 2);
    auto r = read_rr_file(std::string(STEADY_TEST_DATA) + "/real_rri.txt");
    CHECK(r.rr_ms.size() == 771);  // 771 intervals, then the 0 marker
    CHECK(r.rr_ms.back() > 0);
}

TEST_CASE("CSV with header: index column, time column, units in the name", "[io]") {
    auto s = read_rr_file(std::string(STEADY_TEST_DATA) + "/systole_rr.csv");
    CHECK(s.format == "csv");
    CHECK(s.rr_ms.size() == 245);
    CHECK(s.rr_ms[0] == Approx(992.0));
    auto t = parse_rr("time,rr_ms\n0.8,800\n1.61,810\n", "t");
    CHECK(t.t_s == std::vector<double>{0.8, 1.61});
    auto sec = parse_rr("t_s;rr_s\n0.8;0.8\n1.6;0.8\n", "s");
    CHECK(sec.rr_ms[0] == Approx(800));
    // Polar Sensor Logger export.
    auto p = parse_rr(
        "Phone timestamp;RR-interval [ms]\n2024-01-01T10:00:00.000;812\n"
        "2024-01-01T10:00:01.000;799\n",
        "p");
    CHECK(p.rr_ms == std::vector<double>{812, 799});
    auto q = parse_rr("\"ibi\"\n\"812\"\n\"799\"\n", "q");
    CHECK(q.rr_ms == std::vector<double>{812, 799});
}

TEST_CASE("Polar .hrm [HRData] and a UTF-8 BOM", "[io]") {
    auto h =
        parse_rr("[Params]\nVersion=106\nInterval=238\n\n[HRData]\n812\n799\t0\n805\n", "h.hrm");
    CHECK(h.format == "polar-hrm");
    CHECK(h.rr_ms == std::vector<double>{812, 799, 805});
    CHECK(parse_rr("\xEF\xBB\xBF"
                   "800\n801\n",
                   "bom")
              .rr_ms.size() == 2);
}

TEST_CASE("bad input names the file, the line and the reason", "[io]") {
    CHECK(error_of("800\n810\nabc\n") == "f.txt: line 3: \"abc\" is not a number");
    CHECK(error_of("800\r\n1e999\r\n") == "f.txt: line 2: \"1e999\" is not a number");
    CHECK(error_of("800\nnan\n") == "f.txt: line 2: \"nan\" is not a number");
    CHECK(error_of("") == "f.txt: no RR intervals found");
    CHECK(error_of("# only a comment\n\n") == "f.txt: no RR intervals found");
    CHECK(error_of("800 810\n").find("line 1: \"800 810\" has several fields") !=
          std::string::npos);
    CHECK(error_of("time,value\n1,2\n").find("line 1: no RR column") != std::string::npos);
    CHECK(error_of("time,rr\n1,800\n2\n") == "f.txt: line 3: has 1 fields, expected 2");
    CHECK(error_of(std::string("800\n\0\n", 6)) == "f.txt: is a binary file, not RR text");
    CHECK(error_of("rr\n800\n\"\"\n") == "f.txt: line 3: empty value where a number was expected");
}

TEST_CASE("a Kubios export cut off inside its RR block is rejected, not half read", "[io]") {
    std::ifstream in(std::string(STEADY_TEST_DATA) + "/series_1_kubios_hrv.txt", std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::size_t cut = text.find("12.002,");  // inside the 17th RR row
    REQUIRE(cut != std::string::npos);
    const std::string err = error_of(text.substr(0, cut + 12));
    INFO(err);
    CHECK(err.find("f.txt: line 166: row has") == 0);
    CHECK(err.find("of 11 columns: the export looks truncated") != std::string::npos);
}

TEST_CASE("missing and unreadable files are clear errors", "[io]") {
    try {
        read_rr_file("/nonexistent/steady.txt");
        FAIL("no error");
    } catch (const InputError& e) {
        CHECK(std::string(e.what()) ==
              "/nonexistent/steady.txt: cannot open: No such file or directory");
    }
    try {
        read_rr_file(STEADY_TEST_DATA);
        FAIL("no error");
    } catch (const InputError& e) {
        CHECK(std::string(e.what()).find("is a directory") != std::string::npos);
    }
}
