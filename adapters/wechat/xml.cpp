// The callback XML: one <xml> element whose children are text fields. Read with
// pugixml, which expands only XML's own five entities and character references;
// a DOCTYPE (where other entities would be declared) is refused outright.
#include "adapters/wechat/wechat.hpp"

#include "adapters/common/utf8.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

namespace pg::adapters::wechat {
namespace {

model::failure malformed(std::string detail) { return {model::errc::malformed_body, std::move(detail)}; }

// Unix seconds up to 9999-12-31: anything beyond is garbage, and would overflow as milliseconds.
constexpr std::int64_t max_unix_seconds = 253'402'300'799;

// The text fields read into callback_message; the numeric ones are converted after.
struct text_field {
    char const* name;
    std::string callback_message::*member;
};

constexpr text_field text_fields[] = {
    {"ToUserName", &callback_message::to_user_name},
    {"FromUserName", &callback_message::from_user_name},
    {"MsgType", &callback_message::msg_type},
    {"MsgId", &callback_message::msg_id},
    {"Content", &callback_message::content},
    {"PicUrl", &callback_message::pic_url},
    {"MediaId", &callback_message::media_id},
    {"Format", &callback_message::format},
    {"Recognition", &callback_message::recognition},
    {"ThumbMediaId", &callback_message::thumb_media_id},
    {"Scale", &callback_message::scale},
    {"Label", &callback_message::label},
    {"Title", &callback_message::title},
    {"Description", &callback_message::description},
    {"Url", &callback_message::url},
    {"Event", &callback_message::event},
    {"EventKey", &callback_message::event_key},
    {"Ticket", &callback_message::ticket},
    {"AgentID", &callback_message::agent_id},
    {"Encrypt", &callback_message::encrypt},
};

// Read as text, then converted.
constexpr char const* number_fields[] = {"CreateTime", "Location_X", "Location_Y"};

struct raw_fields {
    callback_message m;
    std::string create_time, location_x, location_y;
};

std::string* slot(raw_fields& r, std::string_view name)
{
    for (auto const& f : text_fields)
        if (name == f.name)
            return &(r.m.*f.member);
    if (name == number_fields[0]) return &r.create_time;
    if (name == number_fields[1]) return &r.location_x;
    if (name == number_fields[2]) return &r.location_y;
    return nullptr;
}

// Elements inside one another, counted without recursion (the tree may be deep:
// that is what is being checked). <xml> itself is depth 1.
bool deeper_than(pugi::xml_node root, std::size_t limit)
{
    std::size_t depth = 1;  // of n
    pugi::xml_node n = root;
    for (;;) {
        if (auto const child = n.first_child()) {  // only elements have children
            n = child;
            if (++depth > limit && n.type() == pugi::node_element)
                return true;
            continue;
        }
        while (n != root && !n.next_sibling()) {
            n = n.parent();
            --depth;
        }
        if (n == root)
            return false;
        n = n.next_sibling();
    }
}

// A field's text: its text and CDATA children joined. Elements inside are refused.
std::optional<model::failure> field_text(pugi::xml_node field, std::string_view name, std::string& out)
{
    for (auto const child : field.children()) {
        if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata)
            out += child.value();
        else if (child.type() == pugi::node_element)
            return malformed(std::string(name) + ": expected text, found an element");
        if (out.size() > max_field_bytes && name != "Encrypt")
            return malformed(std::string(name) + ": longer than " + std::to_string(max_field_bytes) + " bytes");
    }
    // Character references may spell what the raw bytes could not (a surrogate).
    if (auto bad = first_invalid_utf8(out))
        return malformed(std::string(name) + ": invalid UTF-8 at byte " + std::to_string(*bad));
    return std::nullopt;
}

model::result<raw_fields> read_fields(std::string_view body)
{
    if (body.empty())
        return malformed("body: empty");
    if (body.size() > max_body_bytes)
        return malformed("body: larger than " + std::to_string(max_body_bytes) + " bytes");
    if (auto bad = first_invalid_utf8(body))
        return malformed("body: invalid UTF-8 at byte " + std::to_string(*bad));

    pugi::xml_document doc;
    // parse_doctype keeps a DOCTYPE in the tree, so it can be seen and refused.
    auto const parsed = doc.load_buffer(body.data(), body.size(), pugi::parse_default | pugi::parse_doctype,
                                        pugi::encoding_utf8);
    if (!parsed)  // the description names the problem, the offset where: never the content
        return malformed(std::string("body: not XML (") + parsed.description() + " at byte " +
                         std::to_string(parsed.offset) + ")");

    pugi::xml_node root;
    for (auto const top : doc.children()) {
        if (top.type() == pugi::node_doctype)
            return malformed("body: a DOCTYPE is not accepted");
        if (top.type() != pugi::node_element)
            continue;  // declaration, comments, processing instructions
        if (root)
            return malformed("body: more than one root element");
        root = top;
    }
    if (!root)
        return malformed("body: no root element");
    if (std::string_view(root.name()) != "xml")
        return malformed("body: the root element is not <xml>");
    if (deeper_than(root, max_xml_depth))
        return malformed("body: elements nested deeper than " + std::to_string(max_xml_depth) + " levels");

    raw_fields r;
    std::vector<std::string_view> seen;
    for (auto const field : root.children()) {
        if (field.type() != pugi::node_element)
            continue;  // whitespace between fields, comments
        std::string_view const name = field.name();
        auto* out = slot(r, name);
        if (out == nullptr)
            continue;  // fields of pushes we do not read (SendPicsInfo, ...) are ignored
        if (std::find(seen.begin(), seen.end(), name) != seen.end())
            return malformed(std::string(name) + ": appears more than once");
        seen.push_back(name);
        if (auto f = field_text(field, name, *out))
            return *f;
    }
    return r;
}

std::optional<std::int64_t> to_int(std::string_view s)
{
    std::int64_t v = 0;
    auto const [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size())
        return std::nullopt;
    return v;
}

std::optional<double> to_double(std::string_view s)
{
    double v = 0;
    auto const [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(v))
        return std::nullopt;
    return v;
}

bool all_digits(std::string_view s)
{
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// CreateTime, MsgId and the location, when present, each of its form.
std::optional<model::failure> convert(raw_fields& r)
{
    if (!r.create_time.empty()) {
        auto const t = to_int(r.create_time);
        if (!t || *t < 0 || *t > max_unix_seconds)
            return malformed("CreateTime: expected Unix seconds");
        r.m.create_time = *t;
    }
    // 64-bit: more digits than a double holds exactly, so it stays text.
    if (!r.m.msg_id.empty() && (r.m.msg_id.size() > 20 || !all_digits(r.m.msg_id)))
        return malformed("MsgId: expected a number");
    if (!r.location_x.empty() || !r.location_y.empty()) {
        auto const lat = to_double(r.location_x);
        auto const lon = to_double(r.location_y);
        if (!lat || *lat < -90 || *lat > 90)
            return malformed("Location_X: expected a latitude");
        if (!lon || *lon < -180 || *lon > 180)
            return malformed("Location_Y: expected a longitude");
        r.m.location = model::geo_point{*lat, *lon};
    }
    return std::nullopt;
}

model::failure missing(std::string_view name) { return malformed(std::string(name) + ": missing"); }

}  // namespace

model::result<callback_message> parse_message(std::string_view xml)
{
    auto r = read_fields(xml);
    if (!r)
        return r.error();
    if (r->m.to_user_name.empty()) return missing("ToUserName");
    if (r->m.from_user_name.empty()) return missing("FromUserName");
    if (r->create_time.empty()) return missing("CreateTime");
    if (r->m.msg_type.empty()) return missing("MsgType");
    if (auto f = convert(*r))
        return *f;
    auto const& m = r->m;
    if (m.msg_type == "text" && m.content.empty()) return missing("Content");
    if ((m.msg_type == "image" || m.msg_type == "voice") && m.media_id.empty()) return missing("MediaId");
    if (m.msg_type == "location" && !m.location) return missing("Location_X");
    if (m.msg_type == "event" && m.event.empty()) return missing("Event");
    return std::move(r->m);
}

model::result<callback_message> parse_envelope(std::string_view xml)
{
    auto r = read_fields(xml);
    if (!r)
        return r.error();
    if (r->m.encrypt.empty())
        return missing("Encrypt");
    if (auto f = convert(*r))
        return *f;
    return std::move(r->m);
}

}  // namespace pg::adapters::wechat
