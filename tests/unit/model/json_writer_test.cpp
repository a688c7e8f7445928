#include "model/json_writer.hpp"  // first: proves the header stands alone

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <limits>
#include <random>

namespace pg::model {
namespace {

using json = nlohmann::json;

json parsed(std::string const& s)
{
    auto j = json::parse(s, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << s;
    return j;
}

TEST(json_writer, writes_nested_objects_and_arrays_compactly)
{
    json_writer w;
    w.begin_object();
    w.key("a").u64(1);
    w.key("b").begin_array().begin_array().str("x").str("y").end_array().begin_array().end_array().end_array();
    w.key("c").begin_object().end_object();
    w.key("d").boolean(false);
    w.key("e").i64(-5);
    w.end_object();
    EXPECT_EQ(w.take(), R"({"a":1,"b":[["x","y"],[]],"c":{},"d":false,"e":-5})");
}

TEST(json_writer, escapes_quotes_backslashes_and_control_characters)
{
    std::string s = "say \"hi\" \\ \n\r\t\b\f";
    s += '\0';
    s += '\x1f';
    s += "\x7f end";
    json_writer w;
    w.begin_array().str(s).end_array();
    auto const out = w.take();
    EXPECT_EQ(parsed(out)[0].get<std::string>(), s);
    EXPECT_EQ(out.find('\n'), std::string::npos);
}

TEST(json_writer, keeps_valid_utf8_as_is)
{
    std::string const samples[] = {
        "人民路 12 号", "🎉🕳️🚧", "\xc2\x80", "\xdf\xbf", "\xe0\xa0\x80", "\xed\x9f\xbf", "\xee\x80\x80",
        "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf",
    };
    for (auto const& s : samples) {
        json_writer w;
        w.begin_array().str(s).end_array();
        EXPECT_EQ(w.take(), "[\"" + s + "\"]");
    }
}

TEST(json_writer, replaces_each_bad_byte_so_the_output_always_parses)
{
    struct case_ { std::string in; std::string out; };
    std::string const r = "\xef\xbf\xbd";
    case_ const cases[] = {
        {"\xff", r},                            // never valid
        {"a\x80z", "a" + r + "z"},              // lone continuation byte
        {"\xc0\xaf", r + r},                    // overlong
        {"\xe0\x80\x80", r + r + r},            // overlong three-byte
        {"\xed\xa0\x80", r + r + r},            // a surrogate
        {"\xf4\x90\x80\x80", r + r + r + r},    // above U+10FFFF
        {"\xe4\xb8", r + r},                    // cut short
        {"ok \xe4\xb8", "ok " + r + r},
    };
    for (auto const& c : cases) {
        json_writer w;
        w.begin_array().str(c.in).end_array();
        EXPECT_EQ(parsed(w.take())[0].get<std::string>(), c.out) << testing::PrintToString(c.in);
    }

    std::mt19937 rng(7);  // fixed seed: the same bytes every run
    for (int n = 0; n < 2000; ++n) {
        std::string s(rng() % 16, '\0');
        for (auto& ch : s)
            ch = static_cast<char>(rng());
        json_writer w;
        w.begin_array().str(s).end_array();
        auto const j = parsed(w.take());
        ASSERT_TRUE(j.is_array()) << testing::PrintToString(s);
    }
}

TEST(json_writer, long_mixed_text_reads_back_as_written)
{
    // Runs longer than eight bytes, with every kind of byte the writer treats
    // differently at every offset: plain ASCII, the edges of the plain range,
    // escapes and multi-byte characters.
    std::string const pieces[] = {"a", "Z", " ", "~", "\x7f", "\"", "\\", "\n", "\x01", "\x1f", "人", "🎉", "é"};
    std::mt19937 rng(11);  // fixed seed: the same strings every run
    for (int n = 0; n < 2000; ++n) {
        std::string s;
        for (auto k = rng() % 48; k > 0; --k)
            s += pieces[rng() % std::size(pieces)];
        json_writer w;
        w.begin_array().str(s).end_array();
        EXPECT_EQ(parsed(w.take())[0].get<std::string>(), s) << testing::PrintToString(s);
    }
}

TEST(json_writer, numbers_read_back_exactly)
{
    std::int64_t const ints[] = {std::numeric_limits<std::int64_t>::min(), -1, 0, 1,
                                 std::numeric_limits<std::int64_t>::max()};
    for (auto i : ints) {
        json_writer w;
        w.begin_array().i64(i).u64(static_cast<std::uint64_t>(i)).end_array();
        auto const j = parsed(w.take());
        EXPECT_EQ(j[0].get<std::int64_t>(), i);
        EXPECT_EQ(j[1].get<std::uint64_t>(), static_cast<std::uint64_t>(i));
    }

    std::mt19937_64 rng(11);
    std::vector<double> doubles = {0.0, -0.0, 1.0, 31.230416, -33.8688, 151.2093, 1e300, -1e-300, 5e-324,
                                   std::numeric_limits<double>::max()};
    for (int n = 0; n < 1000; ++n) {
        auto const bits = rng();
        double d;
        std::memcpy(&d, &bits, sizeof d);
        if (std::isfinite(d))
            doubles.push_back(d);
    }
    for (auto d : doubles) {
        json_writer w;
        w.begin_array().number(d).end_array();
        auto const out = w.take();
        EXPECT_EQ(parsed(out)[0].get<double>(), d) << out;
    }
}

}  // namespace
}  // namespace pg::model
