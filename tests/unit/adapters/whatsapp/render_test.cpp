// Outbound messages -> Cloud API calls: the 24-hour window, buttons as reply
// buttons, lists or numbered lines, images, templates and refusals.
#include "adapters/whatsapp/whatsapp.hpp"

#include "adapters/common/utf8.hpp"
#include "tests/unit/adapters/whatsapp/support.hpp"

#include <gtest/gtest.h>

namespace pg::adapters::whatsapp::test {
namespace {

using model::message_kind;

json body_of(model::result<model::api_call> const& call)
{
    EXPECT_TRUE(call) << call.error().detail;
    return call ? json::parse(call->body) : json{};
}

std::vector<std::vector<model::button>> buttons(std::size_t n, std::string const& label = "Choice")
{
    std::vector<std::vector<model::button>> rows;
    for (std::size_t i = 1; i <= n; ++i) {
        if (rows.empty() || rows.back().size() == 2)
            rows.emplace_back();
        rows.back().push_back({label + " " + std::to_string(i), "d:" + std::to_string(i)});
    }
    return rows;
}

TEST(whatsapp_render, registered_with_its_settings_and_capabilities)
{
    auto const* k = find_platform_kind("whatsapp");
    ASSERT_NE(k, nullptr);
    EXPECT_EQ(k->default_api_base, "https://graph.facebook.com/v21.0");
    struct want { std::string_view key; setting_kind kind; bool required; };
    want const expected[] = {
        {"phone_number_id", setting_kind::word, true},
        {"access_token", setting_kind::secret_word, true},
        {"app_secret", setting_kind::secret_word, true},
        {"verify_token", setting_kind::secret_word, true},
        {"templates", setting_kind::object, false},
    };
    ASSERT_EQ(k->settings.size(), std::size(expected));
    for (std::size_t i = 0; i < std::size(expected); ++i) {
        EXPECT_EQ(k->settings[i].key, expected[i].key);
        EXPECT_EQ(k->settings[i].kind, expected[i].kind) << expected[i].key;
        EXPECT_EQ(k->settings[i].required, expected[i].required) << expected[i].key;
    }
    auto const p = make_with();
    auto const& c = p->can();
    EXPECT_TRUE(c.buttons);
    EXPECT_FALSE(c.threads);
    EXPECT_EQ(c.max_text, 4096u);
    EXPECT_EQ(c.reply_window, std::chrono::milliseconds{24h});
    EXPECT_FALSE(c.local_delivery);
    EXPECT_FALSE(c.public_webhook);
    EXPECT_FALSE(p->credential_call());  // the system-user token is configured, not fetched
}

TEST(whatsapp_render, text_inside_the_window)
{
    auto const p = make_with();
    auto const call = p->render(to_citizen("Hello <b>", now - 1h), context());
    ASSERT_TRUE(call) << call.error().detail;
    EXPECT_EQ(call->method, "POST");
    EXPECT_EQ(call->path, "/106540352242922/messages");
    EXPECT_EQ(call->content_type, "application/json");
    ASSERT_EQ(call->headers.size(), 1u);
    EXPECT_EQ(call->headers[0].first, "Authorization");
    EXPECT_EQ(call->headers[0].second, "Bearer EAAGsystemUserToken0123");
    EXPECT_EQ(json::parse(call->body), json::parse(R"({"messaging_product":"whatsapp","recipient_type":"individual",
        "to":"US.13491208655302741918","type":"text","text":{"preview_url":false,"body":"Hello <b>"}})"));

    // A blank text still goes: WhatsApp refuses an empty body.
    EXPECT_EQ(body_of(p->render(to_citizen(" ", now - 1h), context()))["text"]["body"], "\u2026");
}

TEST(whatsapp_render, the_window_closes_at_24_hours)
{
    auto const p = make_with(with_templates(base_options()));
    auto const inside = p->render(status_push("accepted", now - (24h - 1min)), context());  // 23h59m
    EXPECT_EQ(body_of(inside)["type"], "text");

    auto const at_24 = p->render(status_push("accepted", now - 24h), context());
    EXPECT_EQ(body_of(at_24)["type"], "template");

    auto const chat = p->render(to_citizen("Thanks for waiting.", now - 24h), context());
    ASSERT_FALSE(chat);
    EXPECT_EQ(chat.error().code, model::errc::unsupported_update);
    EXPECT_EQ(chat.error().detail, "outside the 24-hour window: not a status push");

    // Never heard from: outside. The dispatcher's fresher heard_at counts too.
    EXPECT_FALSE(p->render(to_citizen("Hello", {}), context()));
    EXPECT_EQ(body_of(p->render(to_citizen("Hello", {}), context(now - 2h)))["type"], "text");
}

TEST(whatsapp_render, a_status_push_past_the_window_is_its_template)
{
    auto const p = make_with(with_templates(base_options()));
    auto m = status_push("accepted", now - 30h);
    m.text = "Your petition\n\nwas    accepted.\tThanks";  // no line breaks, tabs or long runs of spaces in a parameter
    m.buttons = buttons(2);                                // a template carries none
    auto const call = p->render(m, context());
    ASSERT_TRUE(call) << call.error().detail;
    EXPECT_EQ(call->path, "/106540352242922/messages");
    EXPECT_EQ(json::parse(call->body), json::parse(R"({"messaging_product":"whatsapp","recipient_type":"individual",
        "to":"US.13491208655302741918","type":"template","template":{"name":"petition_status",
        "language":{"code":"en_US"},"components":[{"type":"body","parameters":[
            {"type":"text","text":"7KQM-2X4D"},{"type":"text","text":"accepted"},
            {"type":"text","text":"Your petition was accepted. Thanks"}]}]}})"));

    // A template without parameters sends none.
    auto const closed = body_of(p->render(status_push("closed", now - 30h), context()));
    EXPECT_EQ(closed["template"], json::parse(R"({"name":"petition_closed","language":{"code":"en_US"}})"));

    // A long text is cut, so the template's body stays under Meta's 1024 characters.
    auto long_push = status_push("accepted", now - 30h);
    long_push.text = std::string(3000, 'x');
    auto const long_text = body_of(p->render(long_push, context()))["template"]["components"][0]["parameters"][2]["text"];
    EXPECT_EQ(long_text.get<std::string>(), std::string(599, 'x') + "\u2026");
}

TEST(whatsapp_render, past_the_window_without_a_template_nothing_is_sent)
{
    auto const p = make_with(with_templates(base_options()));
    auto answered = p->render(status_push("answered", now - 25h), context());
    ASSERT_FALSE(answered);
    EXPECT_EQ(answered.error().detail, "outside the 24-hour window: no template for status answered");

    auto bare = make_with()->render(status_push("accepted", now - 25h), context());
    ASSERT_FALSE(bare);
    EXPECT_EQ(bare.error().detail, "outside the 24-hour window: no template for status accepted");

    auto photo = to_citizen("caption", now - 25h);
    photo.kind = message_kind::photo;
    photo.media_id = "1479537139650973";
    auto refused = p->render(photo, context());
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().detail, "outside the 24-hour window: not a status push");
}

TEST(whatsapp_render, up_to_three_buttons_are_reply_buttons)
{
    auto const p = make_with();
    auto m = to_citizen("Send it?", now - 1h);
    m.buttons = {{{"Send", "ok"}, {"Edit", "edit"}}, {{"Cancel this petition now", "cancel"}}};
    EXPECT_EQ(body_of(p->render(m, context())), json::parse(R"({"messaging_product":"whatsapp",
        "recipient_type":"individual","to":"US.13491208655302741918","type":"interactive","interactive":{
        "type":"button","body":{"text":"Send it?"},"action":{"buttons":[
            {"type":"reply","reply":{"id":"ok","title":"Send"}},
            {"type":"reply","reply":{"id":"edit","title":"Edit"}},
            {"type":"reply","reply":{"id":"cancel","title":"Cancel this petitio\u2026"}}]}}})"));
}

TEST(whatsapp_render, four_to_ten_buttons_are_a_list)
{
    auto const p = make_with();
    auto m = to_citizen("Choose a category", now - 1h);
    m.buttons = buttons(9);
    m.buttons.push_back({{"Streets and pavements (incl. lighting)", "c:streets"}});
    auto const body = body_of(p->render(m, context()));
    EXPECT_EQ(body["type"], "interactive");
    auto const& i = body["interactive"];
    EXPECT_EQ(i["type"], "list");
    EXPECT_EQ(i["body"]["text"], "Choose a category");
    EXPECT_EQ(i["action"]["button"], "Choose");
    ASSERT_EQ(i["action"]["sections"].size(), 1u);
    auto const& rows = i["action"]["sections"][0]["rows"];
    ASSERT_EQ(rows.size(), 10u);
    EXPECT_EQ(rows[0], json::parse(R"({"id":"d:1","title":"Choice 1"})"));
    EXPECT_EQ(rows[9]["id"], "c:streets");
    EXPECT_EQ(rows[9]["title"], "Streets and pavements (\u2026");  // 24 characters
    EXPECT_EQ(rows[9]["description"], "Streets and pavements (incl. lighting)");

    m.language = "zh-CN";
    EXPECT_EQ(body_of(p->render(m, context()))["interactive"]["action"]["button"], "\u9009\u62e9");
}

TEST(whatsapp_render, more_than_ten_the_texts_numbers_stay_and_the_rest_are_buttons)
{
    // The dialog's category screen: eleven categories numbered in its text (typed
    // numbers pick them), then Back and Cancel.
    auto const p = make_with();
    std::string text = "What is your request about?";
    std::vector<std::vector<model::button>> rows;
    for (int i = 1; i <= 11; ++i) {
        text += "\n" + std::to_string(i) + ". Category " + std::to_string(i);
        rows.push_back({{"Category " + std::to_string(i), "c:" + std::to_string(i)}});
    }
    rows.push_back({{"Back", "back"}, {"Cancel", "cancel"}});
    auto m = to_citizen(text, now - 1h);
    m.buttons = rows;
    auto const body = body_of(p->render(m, context()));
    EXPECT_EQ(body["interactive"]["type"], "button");
    EXPECT_EQ(body["interactive"]["body"]["text"], text);
    EXPECT_EQ(body["interactive"]["action"]["buttons"], json::parse(R"([
        {"type":"reply","reply":{"id":"back","title":"Back"}},{"type":"reply","reply":{"id":"cancel","title":"Cancel"}}])"));
}

TEST(whatsapp_render, more_than_ten_the_text_does_not_number_become_lines_to_type)
{
    // Numbers the dialog does not take back are not offered: the labels, which it does.
    auto const p = make_with();
    auto m = to_citizen("Pick one", now - 1h);
    m.buttons = buttons(12);
    auto const body = body_of(p->render(m, context()));
    EXPECT_EQ(body["type"], "text");
    std::string want = "Pick one\n";
    for (int i = 1; i <= 12; ++i)
        want += "\n\u2022 Choice " + std::to_string(i);
    EXPECT_EQ(body["text"]["body"], want);

    // Eleven the text numbers and twelve more: the numbers stay, the rest are lines.
    std::string text = "Pick one";
    for (int i = 1; i <= 11; ++i)
        text += "\n" + std::to_string(i) + ". Choice " + std::to_string(i);
    m.text = text;
    m.buttons = buttons(23);
    auto const mixed = body_of(p->render(m, context()))["text"]["body"].get<std::string>();
    EXPECT_TRUE(mixed.starts_with(text + "\n\n\u2022 Choice 12\n")) << mixed;
    EXPECT_TRUE(mixed.ends_with("\u2022 Choice 23")) << mixed;
    EXPECT_EQ(mixed.find("\n12. "), std::string::npos) << mixed;
}

TEST(whatsapp_render, a_text_too_long_for_an_interactive_body_keeps_its_choices_as_lines)
{
    auto const p = make_with();
    auto m = to_citizen(std::string(1500, 'a'), now - 1h);
    m.buttons = {{{"Add information", "a:7KQM-2X4D"}}, {{"Menu", "menu"}}};
    auto const body = body_of(p->render(m, context()));
    EXPECT_EQ(body["type"], "text");
    EXPECT_EQ(body["text"]["body"], std::string(1500, 'a') + "\n\n\u2022 Add information\n\u2022 Menu");

    // Past 4096 the text gives way, never the choices.
    m.text = std::string(5000, 'b');
    auto const cut = body_of(p->render(m, context()))["text"]["body"].get<std::string>();
    EXPECT_EQ(utf16_length(cut), 4096u);
    EXPECT_TRUE(cut.ends_with("\n\n\u2022 Add information\n\u2022 Menu"));
}

TEST(whatsapp_render, other_kinds_of_message)
{
    auto const p = make_with();
    auto photo = to_citizen("The hole, as filed", now - 1h);
    photo.kind = message_kind::photo;
    photo.media_id = "1479537139650973";
    EXPECT_EQ(body_of(p->render(photo, context())), json::parse(R"({"messaging_product":"whatsapp",
        "recipient_type":"individual","to":"US.13491208655302741918","type":"image",
        "image":{"id":"1479537139650973","caption":"The hole, as filed"}})"));
    photo.text.clear();
    EXPECT_FALSE(body_of(p->render(photo, context()))["image"].contains("caption"));

    auto ack = to_citizen("", now - 1h);
    ack.kind = message_kind::callback_ack;
    auto const nothing = p->render(ack, context());
    ASSERT_TRUE(nothing);
    EXPECT_TRUE(nothing->path.empty());
    // Nothing to call, even outside the window.
    ack.heard_at = {};
    EXPECT_TRUE(p->render(ack, context()));

    auto thread = to_citizen("card", now - 1h);
    thread.kind = message_kind::open_thread;
    EXPECT_FALSE(p->render(thread, context()));
}

}  // namespace
}  // namespace pg::adapters::whatsapp::test
