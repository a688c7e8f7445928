#include "adapters/common/json_read.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pg::adapters {
namespace {

using json = nlohmann::json;

json const sample = json::parse(R"({
    "id": -1001987654321, "big": 9223372036854775808, "max": 9223372036854775807, "real": 52.5,
    "name": "Anna", "flag": true, "nothing": null, "chat": {"id": 5}, "sizes": [1, 2]
})");

TEST(json_read, reads_typed_fields_and_names_the_first_mistake)
{
    struct case_ { char const* name; std::string key; char const* type; bool present; char const* error; };
    case_ const cases[] = {
        {"negative 64-bit integer",        "id",      "int64",  true,  nullptr},
        {"INT64_MAX",                      "max",     "int64",  true,  nullptr},
        {"above INT64_MAX",                "big",     "int64",  false, "m.big: expected an integer"},
        {"real is not an integer",         "real",    "int64",  false, "m.real: expected an integer"},
        {"string is not an integer",       "name",    "int64",  false, "m.name: expected an integer"},
        {"integer is a number",            "id",      "double", true,  nullptr},
        {"string is not a number",         "name",    "double", false, "m.name: expected a number"},
        {"string",                         "name",    "string", true,  nullptr},
        {"integer is not a string",        "id",      "string", false, "m.id: expected a string"},
        {"boolean",                        "flag",    "bool",   true,  nullptr},
        {"null reads as absent",           "nothing", "string", false, nullptr},
        {"missing reads as absent",        "absent",  "int64",  false, nullptr},
    };
    for (auto const& c : cases) {
        json_read rd;
        bool present = false;
        if (std::string(c.type) == "int64")
            present = rd.get<std::int64_t>(sample, "m", c.key).has_value();
        else if (std::string(c.type) == "double")
            present = rd.get<double>(sample, "m", c.key).has_value();
        else if (std::string(c.type) == "bool")
            present = rd.get<bool>(sample, "m", c.key).has_value();
        else
            present = rd.get<std::string>(sample, "m", c.key).has_value();
        EXPECT_EQ(present, c.present) << c.name;
        EXPECT_EQ(rd.ok(), c.error == nullptr) << c.name;
        if (c.error != nullptr && !rd.ok()) {
            EXPECT_EQ(rd.error().code, model::errc::malformed_body) << c.name;
            EXPECT_EQ(rd.error().detail, c.error) << c.name;
        }
    }
}

TEST(json_read, need_reports_missing_and_keeps_the_first_error)
{
    json_read rd;
    EXPECT_EQ(rd.need<std::int64_t>(sample, "", "id"), -1001987654321);
    EXPECT_TRUE(rd.ok());
    EXPECT_FALSE(rd.need<std::string>(sample, "update", "absent"));
    EXPECT_FALSE(rd.need<std::string>(sample, "update", "nothing"));
    EXPECT_EQ(rd.error().detail, "update.absent: missing");
}

TEST(json_read, objects_and_arrays)
{
    json_read rd;
    ASSERT_NE(rd.object(sample, "", "chat"), nullptr);
    EXPECT_EQ(rd.object(sample, "", "absent"), nullptr);
    EXPECT_NE(rd.array(sample, "", "sizes"), nullptr);
    EXPECT_TRUE(rd.ok());
    EXPECT_EQ(rd.need_object(sample, "", "absent"), nullptr);
    EXPECT_EQ(rd.error().detail, "absent: missing");

    json_read wrong;
    EXPECT_EQ(wrong.object(sample, "u", "sizes"), nullptr);
    EXPECT_EQ(wrong.error().detail, "u.sizes: expected an object");

    json_read not_an_object;  // reading a field of a non-object finds nothing
    EXPECT_FALSE(not_an_object.get<std::int64_t>(json::array(), "", "id"));
    EXPECT_TRUE(not_an_object.ok());
}

TEST(json_nested_deeper_than, counts_brackets_outside_strings)
{
    struct case_ { char const* name; std::string text; std::size_t limit; bool expect; };
    case_ const cases[] = {
        {"flat",                     R"({"a":1})",                         1, false},
        {"two levels, limit one",    R"({"a":[1]})",                       1, true},
        {"siblings do not add up",   R"({"a":[1],"b":{"c":2},"d":[]})",    2, false},
        {"brackets in a string",     R"({"a":"[[[[{{{{"})",                1, false},
        {"escaped quote in string",  R"({"a":"\"[[[[["})",                 1, false},
        {"escaped backslash ends",   R"({"a":"\\"},[[)",                   1, true},
        {"unbalanced closers",       R"(]]]]{[)",                          2, false},
        {"exactly at the limit",     std::string(64, '[') + std::string(64, ']'), 64, false},
        {"one past the limit",       std::string(65, '['),                 64, true},
    };
    for (auto const& c : cases)
        EXPECT_EQ(json_nested_deeper_than(c.text, c.limit), c.expect) << c.name;
}

TEST(parse_json_body, rejects_without_quoting_the_body)
{
    struct case_ { char const* name; std::string body; char const* expect; };
    case_ const cases[] = {
        {"empty",            "",                                   "body: not JSON (empty)"},
        {"invalid UTF-8",    "{\"a\":\"x\xFFy\"}",                  "body: invalid UTF-8 at byte 7"},
        {"too deep",         std::string(100'000, '['),           "body: nested deeper than 64 levels"},
        {"syntax",           R"({"a": secret-words})",            "body: not JSON (syntax error at byte 6)"},
        {"lone surrogate",   R"({"a":"\ud800"})",                  nullptr},
        {"cut",              R"({"a":)",                          "body: not JSON (ends early at byte 5)"},
    };
    for (auto const& c : cases) {
        json out;
        auto const f = parse_json_body(c.body, out);
        ASSERT_TRUE(f.has_value()) << c.name;
        EXPECT_EQ(f->code, model::errc::malformed_body) << c.name;
        if (c.expect != nullptr) {
            EXPECT_EQ(f->detail, c.expect) << c.name;
        }
        EXPECT_EQ(f->detail.find("secret"), std::string::npos) << c.name;
        EXPECT_TRUE(f->detail.starts_with("body: ")) << c.name;
    }
    json out;
    EXPECT_FALSE(parse_json_body(R"({"a":"\u8def\ud83d\udca1\/"})", out));
    EXPECT_EQ(out["a"], "\xE8\xB7\xAF\xF0\x9F\x92\xA1/");
}

}  // namespace
}  // namespace pg::adapters
