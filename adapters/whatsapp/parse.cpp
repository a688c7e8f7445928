// A signed webhook from Meta -> events: every entry, every change for our
// number, every message and status in it.
#include "adapters/whatsapp/account.hpp"

#include "adapters/common/hmac.hpp"
#include "adapters/common/json_read.hpp"
#include "adapters/common/secret.hpp"
#include "adapters/common/utf8.hpp"
#include "model/ascii.hpp"

#include <charconv>
#include <cmath>
#include <optional>

namespace pg::adapters::whatsapp {
namespace {

using model::event_kind;
using nlohmann::json;

constexpr std::string_view signature_header = "X-Hub-Signature-256";
constexpr std::string_view signature_prefix = "sha256=";

model::failure unsigned_request(std::string detail) { return {model::errc::bad_signature, std::move(detail)}; }

// HMAC-SHA256 of the raw body under the app secret, compared in constant time.
// The bytes as received: Meta signs its own serialisation (non-ASCII escaped as
// \uXXXX), which no re-serialisation of the parsed JSON reproduces.
std::optional<model::failure> check_signature(model::raw_request const& req, std::string_view app_secret)
{
    if (app_secret.empty())  // fail closed
        return unsigned_request("no app_secret configured");
    auto const header = req.header(signature_header);
    if (header.empty())
        return unsigned_request(std::string(signature_header) + " missing");
    if (!header.starts_with(signature_prefix))
        return unsigned_request(std::string(signature_header) + ": expected sha256=<hex>");
    std::string got(header.substr(signature_prefix.size()));
    for (auto& c : got)
        c = model::ascii_lower(c);
    if (!same_secret(got, to_hex(hmac_sha256(app_secret, req.body))))
        return unsigned_request(std::string(signature_header) + " does not match the body");
    return std::nullopt;
}

// A platform word (a message type) kept as a detail: short, so outside input cannot bloat logs.
std::string word(std::string_view s) { return std::string(utf8_prefix_bytes(s, 32)); }

std::string at(std::string_view path, std::size_t i) { return std::string(path) + "[" + std::to_string(i) + "]"; }

// Who wrote, as the change's contacts[] and the message name them.
struct sender {
    std::string id;    // the BSUID if known, else the wa_id
    std::string name;  // profile.name; never logged
};

class reader {
public:
    explicit reader(account const& a) : a_(a) {}

    void notification(json const& body)
    {
        if (!body.is_object()) {
            rd_.fail("body: expected a JSON object");
            return;
        }
        if (json_read::find(body, "entry") == nullptr && json_read::find(body, "field") != nullptr) {
            change(body, "");  // the dashboard's "Test" button: a bare {"field", "value"}
            return;
        }
        auto const entries = rd_.array(body, "", "entry");
        if (entries == nullptr) {
            if (rd_.ok())
                rd_.missing("", "entry");
            return;
        }
        for (std::size_t i = 0; i < entries->size() && rd_.ok(); ++i) {
            auto const& e = (*entries)[i];
            auto const path = at("entry", i);
            if (!e.is_object()) {
                rd_.fail(path + ": expected an object");
                return;
            }
            auto const changes = rd_.array(e, path, "changes");
            if (changes == nullptr) {
                if (rd_.ok())
                    rd_.missing(path, "changes");
                return;
            }
            for (std::size_t j = 0; j < changes->size() && rd_.ok(); ++j)
                change((*changes)[j], at(path + ".changes", j));
        }
    }

    json_read const& result() const { return rd_; }
    std::vector<model::inbound_event>& events() { return events_; }

private:
    void change(json const& c, std::string const& path)
    {
        if (!c.is_object()) {
            rd_.fail(path + ": expected an object");
            return;
        }
        auto const field = rd_.need<std::string>(c, path, "field");
        if (!field || *field != "messages")
            return;  // template status, account updates, ...: the same endpoint, nothing for us
        auto const vpath = json_read::join(path, "value");
        auto const value = rd_.need_object(c, path, "value");
        if (value == nullptr)
            return;
        auto const metadata = rd_.need_object(*value, vpath, "metadata");
        if (metadata == nullptr)
            return;
        auto const number = rd_.need<std::string>(*metadata, vpath + ".metadata", "phone_number_id");
        if (!number || *number != a_.phone_number_id)
            return;  // another number of the same app: its own channel reads it
        auto const contacts = rd_.array(*value, vpath, "contacts");
        if (auto const messages = rd_.array(*value, vpath, "messages"))
            for (std::size_t i = 0; i < messages->size() && rd_.ok(); ++i)
                message((*messages)[i], at(vpath + ".messages", i), contacts, vpath);
        if (auto const statuses = rd_.array(*value, vpath, "statuses"))
            for (std::size_t i = 0; i < statuses->size() && rd_.ok(); ++i)
                status((*statuses)[i], at(vpath + ".statuses", i));
    }

    // The BSUID, from the message (from_user_id) or its contact (user_id), else the wa_id.
    sender who(json const& m, std::string const& path, json const* contacts, std::string const& vpath)
    {
        auto const from = rd_.get<std::string>(m, path, "from");
        auto const from_user = rd_.get<std::string>(m, path, "from_user_id");
        json const* contact = nullptr;
        if (contacts != nullptr) {
            for (std::size_t i = 0; i < contacts->size(); ++i) {
                auto const& c = (*contacts)[i];
                auto const wa_id = rd_.get<std::string>(c, at(vpath + ".contacts", i), "wa_id");
                auto const user_id = rd_.get<std::string>(c, at(vpath + ".contacts", i), "user_id");
                bool const same = (from && wa_id && *from == *wa_id) || (from_user && user_id && *from_user == *user_id);
                // A lone contact names the sender unless it names someone else.
                bool const lone = contacts->size() == 1 && c.is_object() && !(from && wa_id && *from != *wa_id) &&
                                  !(from_user && user_id && *from_user != *user_id);
                if (same || lone) {
                    contact = &c;
                    break;
                }
            }
        }
        sender s;
        if (from_user && !from_user->empty())
            s.id = *from_user;
        if (s.id.empty() && contact != nullptr)
            s.id = rd_.get<std::string>(*contact, vpath + ".contacts", "user_id").value_or("");
        if (s.id.empty() && from)
            s.id = *from;
        if (contact != nullptr)
            if (auto const profile = rd_.object(*contact, vpath + ".contacts", "profile"))
                s.name = rd_.get<std::string>(*profile, vpath + ".contacts.profile", "name").value_or("");
        if (s.id.empty())
            rd_.fail(path + ".from: missing (and no user_id)");
        return s;
    }

    model::timestamp sent_at(json const& obj, std::string const& path)
    {
        auto const t = rd_.get<std::string>(obj, path, "timestamp");  // a string of Unix seconds
        if (!t)
            return {};
        std::int64_t seconds = 0;
        auto const [end, ec] = std::from_chars(t->data(), t->data() + t->size(), seconds);
        if (t->empty() || ec != std::errc{} || end != t->data() + t->size() || seconds < 0 ||
            seconds > 100'000'000'000) {
            rd_.fail(json_read::join(path, "timestamp") + ": expected Unix seconds");
            return {};
        }
        return model::from_millis(seconds * 1000);
    }

    std::optional<std::string> id_of(json const& obj, std::string const& path)
    {
        auto id = rd_.need<std::string>(obj, path, "id");
        if (id && id->empty()) {
            rd_.fail(json_read::join(path, "id") + ": empty");
            return std::nullopt;
        }
        return id;
    }

    void message(json const& m, std::string const& path, json const* contacts, std::string const& vpath)
    {
        if (!m.is_object()) {
            rd_.fail(path + ": expected an object");
            return;
        }
        auto const id = id_of(m, path);
        auto const type = rd_.need<std::string>(m, path, "type");
        auto const s = who(m, path, contacts, vpath);
        auto const when = sent_at(m, path);
        if (!id || !type || !rd_.ok())
            return;

        model::inbound_event ev;
        ev.dedupe_key = "wa:" + a_.channel_id + ":" + *id;
        ev.channel_id = a_.channel_id;
        ev.chat_id = s.id;
        ev.user_id = s.id;
        ev.user_name = s.name;
        ev.chat = model::chat_kind::private_chat;
        ev.message_id = *id;
        ev.sent_at = when;
        content(m, path, *type, ev);
        if (rd_.ok())
            events_.push_back(std::move(ev));
    }

    void content(json const& m, std::string const& path, std::string const& type, model::inbound_event& ev)
    {
        auto const part = [&](std::string_view key) { return rd_.need_object(m, path, key); };
        auto const sub = json_read::join(path, type);
        if (type == "text") {
            if (auto const t = part("text")) {
                ev.kind = event_kind::text;
                ev.text = rd_.need<std::string>(*t, sub, "body").value_or("");
            }
        } else if (type == "interactive") {
            auto const i = part("interactive");
            if (i == nullptr)
                return;
            auto const itype = rd_.need<std::string>(*i, sub, "type").value_or("");
            if (itype == "button_reply" || itype == "list_reply") {
                // The id is the button data render() gave the button or row.
                if (auto const reply = rd_.need_object(*i, sub, itype)) {
                    ev.kind = event_kind::button;
                    ev.text = id_of(*reply, sub + "." + itype).value_or("");
                }
            } else {
                ev.kind = event_kind::unsupported;  // nfm_reply (a Flow), ...
                ev.detail = "interactive." + word(itype);
            }
        } else if (type == "button") {
            // A template's quick-reply button: its payload, else its text.
            if (auto const b = part("button")) {
                auto const payload = rd_.get<std::string>(*b, sub, "payload").value_or("");
                ev.kind = event_kind::button;
                ev.text = payload.empty() ? rd_.get<std::string>(*b, sub, "text").value_or("") : payload;
                if (ev.text.empty()) {
                    ev.kind = event_kind::unsupported;
                    ev.detail = "button";
                }
            }
        } else if (type == "location") {
            if (auto const l = part("location")) {
                auto const lat = rd_.need<double>(*l, sub, "latitude");
                auto const lon = rd_.need<double>(*l, sub, "longitude");
                if (lat && (!std::isfinite(*lat) || std::abs(*lat) > 90))
                    rd_.fail(sub + ".latitude: out of range");
                if (lon && (!std::isfinite(*lon) || std::abs(*lon) > 180))
                    rd_.fail(sub + ".longitude: out of range");
                ev.kind = event_kind::location;
                if (lat && lon)
                    ev.location = model::geo_point{*lat, *lon};
                auto name = rd_.get<std::string>(*l, sub, "name").value_or("");
                ev.text = name.empty() ? rd_.get<std::string>(*l, sub, "address").value_or("") : std::move(name);
            }
        } else if (type == "image") {
            if (auto const img = part("image")) {
                ev.kind = event_kind::photo;
                if (auto const media = id_of(*img, sub))
                    ev.photo_ids = {*media};
                ev.text = rd_.get<std::string>(*img, sub, "caption").value_or("");
            }
        } else {
            // audio (voice notes too), video, document, sticker, reaction, contacts, order,
            // system, unsupported, edit, revoke, and whatever Meta adds next.
            ev.kind = event_kind::unsupported;
            ev.detail = word(type);
            ev.edited = type == "edit";
        }
    }

    // A delivery status for a message we sent: sent, delivered, read, failed (maybe out of order).
    void status(json const& st, std::string const& path)
    {
        if (!st.is_object()) {
            rd_.fail(path + ": expected an object");
            return;
        }
        auto const id = id_of(st, path);
        auto const state = rd_.need<std::string>(st, path, "status");
        auto const recipient = rd_.get<std::string>(st, path, "recipient_id");
        auto const recipient_user = rd_.get<std::string>(st, path, "recipient_user_id");
        auto const when = sent_at(st, path);
        std::string code;
        if (auto const errors = rd_.array(st, path, "errors"); errors != nullptr && !errors->empty())
            if (auto const c = rd_.get<std::int64_t>((*errors)[0], path + ".errors[0]", "code"))
                code = std::to_string(*c);
        if (!id || !state || !rd_.ok())
            return;
        if (state->empty()) {
            rd_.fail(path + ".status: empty");
            return;
        }
        model::inbound_event ev;
        ev.kind = event_kind::receipt;
        ev.channel_id = a_.channel_id;
        ev.chat_id = recipient_user && !recipient_user->empty() ? *recipient_user : recipient.value_or("");
        ev.user_id = ev.chat_id;
        ev.chat = model::chat_kind::private_chat;
        ev.message_id = *id;
        ev.text = word(*state);
        ev.detail = std::move(code);
        ev.sent_at = when;
        // read may come before delivered; each state of each message counts once.
        ev.dedupe_key = "wa:" + a_.channel_id + ":" + *id + ":" + ev.text;
        events_.push_back(std::move(ev));
    }

    account const& a_;
    json_read rd_;
    std::vector<model::inbound_event> events_;
};

}  // namespace

model::result<webhook_input> parse_notification(model::raw_request const& req, account const& a)
{
    if (auto f = check_signature(req, a.app_secret))
        return *f;
    json body;
    if (auto f = parse_json_body(req.body, body))
        return *f;
    reader r(a);
    r.notification(body);
    if (!r.result().ok())
        return r.result().error();
    return webhook_input{std::move(r.events()), http_answer{}};
}

}  // namespace pg::adapters::whatsapp
