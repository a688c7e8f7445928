#pragma once
// Model <-> stored bytes: compact JSON objects with "v":1. Enums are stored by
// name, so reordering an enum never changes what a record means. A field that
// is missing decodes to its empty value, so later versions may add fields.
// Decoding never throws: bytes that are not a v1 record give nullopt.
// Records written before a field existed decode it as the model's default
// (a petition's response_due_at as the epoch, a timeline entry as a
// transition), so new fields stay within "v":1.
#include "model/citizen.hpp"
#include "model/conversation.hpp"
#include "model/message.hpp"
#include "model/petition.hpp"
#include "storage/store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace pg::storage {

// Strings that are not valid UTF-8 are stored with U+FFFD in place of the bad
// bytes (adapters reject such input; this only keeps a commit from throwing).
// A location whose coordinates are not finite numbers is stored as no location.
std::string encode(model::conversation const& c);
std::string encode(model::petition const& p);
std::string encode(model::timeline_event const& e);
std::string encode(model::outbox_entry const& e);  // without seq: the key holds it
std::string encode_dead_letter(model::outbox_entry const& e, std::string_view reason);
std::string encode(history_entry const& e);  // without seq: the key holds it
std::string encode(model::citizen const& c);
std::string encode(model::link_code const& c);
std::string encode(model::sent_notice const& n);
std::string encode(model::audit_entry const& a);

std::optional<model::conversation> decode_conversation(std::string_view bytes);
std::optional<model::petition> decode_petition(std::string_view bytes);
std::optional<model::timeline_event> decode_timeline_event(std::string_view bytes);
std::optional<model::outbox_entry> decode_outbox_entry(std::string_view bytes, std::uint64_t seq);
std::optional<std::pair<model::outbox_entry, std::string>> decode_dead_letter(std::string_view bytes,
                                                                              std::uint64_t seq);
std::optional<history_entry> decode_history_entry(std::string_view bytes, std::uint64_t seq);
std::optional<model::citizen> decode_citizen(std::string_view bytes);
std::optional<model::link_code> decode_link_code(std::string_view bytes);
std::optional<model::sent_notice> decode_sent_notice(std::string_view bytes);
std::optional<model::audit_entry> decode_audit_entry(std::string_view bytes);

}  // namespace pg::storage
