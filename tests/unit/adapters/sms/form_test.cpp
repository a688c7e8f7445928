#include "adapters/sms/form.hpp"

#include <gtest/gtest.h>

namespace pg::adapters::sms {
namespace {

using fields = form_fields;

TEST(decode_form, decodes_once_plus_is_a_space_and_percent_2b_a_plus)
{
    auto const f = decode_form("Body=1+%2B+1%3D2&From=%2B15551234567&Empty=&Pct=100%25");
    ASSERT_TRUE(f) << f.error().detail;
    EXPECT_EQ(*f, (fields{{"Body", "1 + 1=2"}, {"From", "+15551234567"}, {"Empty", ""}, {"Pct", "100%"}}));
    // Decoded exactly once: an encoded escape stays an escape.
    auto const twice = decode_form("Body=%252B");
    ASSERT_TRUE(twice);
    EXPECT_EQ(twice->front().second, "%2B");
}

TEST(decode_form, utf8_bytes_come_back_as_sent)
{
    auto const f = decode_form("Body=%E8%B7%AF%E7%81%AF+%F0%9F%98%80&To=%2B1");
    ASSERT_TRUE(f);
    EXPECT_EQ((*f)[0].second, "\xE8\xB7\xAF\xE7\x81\xAF \xF0\x9F\x98\x80");
}

TEST(decode_form, keeps_every_field_in_order_repeated_names_included)
{
    auto const f = decode_form("Tag=b&&Tag=a&Flag&=v&Tag=c&");
    ASSERT_TRUE(f);
    EXPECT_EQ(*f, (fields{{"Tag", "b"}, {"Tag", "a"}, {"Flag", ""}, {"", "v"}, {"Tag", "c"}}));
    EXPECT_EQ(*form_value(*f, "Tag"), "b");
    EXPECT_EQ(form_value(*f, "None"), nullptr);
    EXPECT_TRUE(decode_form("")->empty());
}

TEST(decode_form, a_broken_escape_is_malformed_naming_the_field_never_the_value)
{
    struct case_ { char const* body; char const* names; };
    case_ const cases[] = {
        {"From=%2B1&Body=50%+off", "form field Body"},
        {"Body=%", "form field Body"},
        {"Body=%2", "form field Body"},
        {"Body=%zz", "form field Body"},
        {"A=1&B%x=2", "form field #2"},
    };
    for (auto const& c : cases) {
        auto const f = decode_form(c.body);
        ASSERT_FALSE(f) << c.body;
        EXPECT_EQ(f.error().code, model::errc::malformed_body);
        EXPECT_NE(f.error().detail.find(c.names), std::string::npos) << f.error().detail;
        EXPECT_EQ(f.error().detail.find("off"), std::string::npos) << f.error().detail;
    }
}

TEST(decode_form, refuses_more_fields_than_any_webhook_has)
{
    std::string body;
    for (std::size_t i = 0; i <= max_form_fields; ++i)
        body += "a=1&";
    EXPECT_FALSE(decode_form(body));
}

TEST(form_encode, encodes_all_but_unreserved_and_decodes_back)
{
    EXPECT_EQ(form_encode("+1 555/é~_.-"), "%2B1%20555%2F%C3%A9~_.-");
    std::string const text = "1+1 = 2 & more? 100% \xF0\x9F\x98\x80";
    auto const back = decode_form("Body=" + form_encode(text));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->front().second, text);
}

}  // namespace
}  // namespace pg::adapters::sms
