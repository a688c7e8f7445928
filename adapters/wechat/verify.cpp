// URL checks and signed pushes: which query values are signed, and how.
#include "adapters/wechat/wechat.hpp"

namespace pg::adapters::wechat {
namespace {

model::failure unsigned_request(std::string detail) { return {model::errc::bad_signature, std::move(detail)}; }

// The query values a check needs, each one present and non-empty; else the
// first missing one, named.
struct signed_query {
    std::string signature, timestamp, nonce;
};

model::result<signed_query> read_query(std::string_view target, std::string_view signature_name)
{
    signed_query q;
    for (auto [name, out] : {std::pair{signature_name, &q.signature}, std::pair{std::string_view("timestamp"), &q.timestamp},
                             std::pair{std::string_view("nonce"), &q.nonce}}) {
        auto v = query_param(target, name);
        if (!v || v->empty())
            return unsigned_request(std::string(name) + " missing from the query");
        *out = std::move(*v);
    }
    return q;
}

std::optional<model::failure> check_token(secrets const& s)
{
    if (s.token.empty())  // fail closed: no configured token accepts nothing
        return unsigned_request("no Token configured");
    return std::nullopt;
}

// Decrypts with the key, then (during a key change) with the previous one. The
// first key's failure is the one reported.
model::result<std::string> decrypt_any(secrets const& s, std::string_view ciphertext, std::string_view field)
{
    if (!s.key)
        return unsigned_request("no EncodingAESKey configured");
    auto plain = decrypt(*s.key, ciphertext, s.receive_id, field);
    if (!plain && s.previous_key) {
        auto older = decrypt(*s.previous_key, ciphertext, s.receive_id, field);
        if (older)
            return older;
    }
    return plain;
}

}  // namespace

model::result<std::string> answer_url_check(model::raw_request const& req, secrets const& s)
{
    if (auto f = check_token(s))
        return *f;
    auto q = read_query(req.target, "signature");
    if (!q)
        return q.error();
    auto echostr = query_param(req.target, "echostr");
    if (!echostr || echostr->empty())
        return unsigned_request("echostr missing from the query");
    if (!signature_matches(q->signature, signature(s.token, q->timestamp, q->nonce)))
        return unsigned_request("signature does not match");
    return std::move(*echostr);
}

model::result<std::string> answer_encrypted_url_check(model::raw_request const& req, secrets const& s)
{
    if (auto f = check_token(s))
        return *f;
    auto q = read_query(req.target, "msg_signature");
    if (!q)
        return q.error();
    auto echostr = query_param(req.target, "echostr");
    if (!echostr || echostr->empty())
        return unsigned_request("echostr missing from the query");
    if (!signature_matches(q->signature, msg_signature(s.token, q->timestamp, q->nonce, *echostr)))
        return unsigned_request("msg_signature does not match");
    return decrypt_any(s, *echostr, "echostr");
}

model::result<std::string> open_push(model::raw_request const& req, secrets const& s, push_mode mode)
{
    if (auto f = check_token(s))
        return *f;
    if (mode == push_mode::wechat) {
        // Every Official Account push carries the plain signature, also in safe mode.
        auto q = read_query(req.target, "signature");
        if (!q)
            return q.error();
        if (!signature_matches(q->signature, signature(s.token, q->timestamp, q->nonce)))
            return unsigned_request("signature does not match");
        if (!s.key)
            return req.body;  // plain mode: the body is the message
    } else if (!s.key) {
        return unsigned_request("no EncodingAESKey configured");  // WeCom is always encrypted
    }
    // The signature covers the ciphertext: nothing is decrypted before it matches.
    auto q = read_query(req.target, "msg_signature");
    if (!q)
        return q.error();
    auto envelope = parse_envelope(req.body);
    if (!envelope)
        return envelope.error();
    if (!signature_matches(q->signature, msg_signature(s.token, q->timestamp, q->nonce, envelope->encrypt)))
        return unsigned_request("msg_signature does not match");
    return decrypt_any(s, envelope->encrypt, "Encrypt");
}

}  // namespace pg::adapters::wechat
