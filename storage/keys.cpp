#include "storage/keys.hpp"

#include <initializer_list>

namespace pg::storage {
namespace {

void append_u64(std::string& out, std::uint64_t n)
{
    for (int shift = 56; shift >= 0; shift -= 8)
        out.push_back(static_cast<char>((n >> shift) & 0xff));
}

}  // namespace

std::string u64_key(std::uint64_t n)
{
    std::string k;
    k.reserve(8);
    append_u64(k, n);
    return k;
}

std::optional<std::uint64_t> u64_from_key(std::string_view key)
{
    if (key.size() != 8)
        return std::nullopt;
    std::uint64_t n = 0;
    for (char c : key)
        n = (n << 8) | static_cast<unsigned char>(c);
    return n;
}

std::string conversation_key(std::string_view channel_id, std::string_view chat_id)
{
    std::string k;
    k.reserve(channel_id.size() + 1 + chat_id.size());
    k.append(channel_id);
    k.push_back('\0');
    k.append(chat_id);
    return k;
}

namespace {

// A tag, then each part after a '\0': "t\0channel\0chat\0id".
std::string tagged_key(char tag, std::initializer_list<std::string_view> parts)
{
    std::string k(1, tag);
    for (auto const p : parts) {
        k.push_back('\0');
        k.append(p);
    }
    return k;
}

std::string thread_map_key(char direction, std::string_view channel_id, std::string_view chat_id, std::string_view id)
{
    return tagged_key(direction, {channel_id, chat_id, id});
}

}  // namespace

std::string citizen_key(std::string_view channel_id, std::string_view chat_id)
{
    return tagged_key('c', {channel_id, chat_id});
}

std::string link_code_key(std::string_view code) { return tagged_key('k', {code}); }

std::string sent_notice_key(std::string_view channel_id, std::string_view sent_id)
{
    return tagged_key('s', {channel_id, sent_id});
}

std::string thread_of_petition_key(std::string_view channel_id, std::string_view chat_id, std::string_view tracking)
{
    return thread_map_key('t', channel_id, chat_id, tracking);
}

std::string petition_of_thread_key(std::string_view channel_id, std::string_view chat_id, std::string_view thread_id)
{
    return thread_map_key('p', channel_id, chat_id, thread_id);
}

std::string timeline_prefix(std::string_view tracking)
{
    std::string k;
    k.reserve(tracking.size() + 1);
    k.append(tracking);
    k.push_back('\0');
    return k;
}

std::string open_petitions_prefix(std::string_view category)
{
    return timeline_prefix(category);  // the same shape: the name, then a NUL
}

std::string open_petition_key(std::string_view category, std::uint64_t number)
{
    return open_petitions_prefix(category) + u64_key(number);
}

std::string timeline_key(std::string_view tracking, model::timestamp at, std::uint64_t tiebreak)
{
    std::string k;
    k.reserve(tracking.size() + 17);
    k.append(tracking);
    k.push_back('\0');
    append_u64(k, static_cast<std::uint64_t>(model::to_millis(at)) ^ (std::uint64_t{1} << 63));
    append_u64(k, tiebreak);
    return k;
}

std::string audit_key(model::timestamp at, std::uint64_t tiebreak)
{
    std::string k;
    k.reserve(16);
    append_u64(k, static_cast<std::uint64_t>(model::to_millis(at)) ^ (std::uint64_t{1} << 63));
    append_u64(k, tiebreak);
    return k;
}

std::string history_prefix(std::string_view channel_id, std::string_view chat_id)
{
    auto k = conversation_key(channel_id, chat_id);
    k.push_back('\0');
    return k;
}

std::string history_key(std::string_view channel_id, std::string_view chat_id, std::uint64_t seq)
{
    auto k = history_prefix(channel_id, chat_id);
    append_u64(k, seq);
    return k;
}

std::string prefix_end(std::string_view prefix)
{
    std::string end(prefix);
    while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xff)
        end.pop_back();
    if (!end.empty())
        end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
    return end;  // empty: no key is above every key with this prefix
}

}  // namespace pg::storage
