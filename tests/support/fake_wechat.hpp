#pragma once
// WeChat Official Account and WeCom as the gateway meets them, for integration
// tests (wire protocol: /work/shared/platforms/wechat.md and wecom.md).
//
// fake_wechat_api: their HTTP APIs on 127.0.0.1 (one fake_platform, both sets of
// paths): tokens (GET /cgi-bin/token, POST /cgi-bin/stable_token, GET
// /cgi-bin/gettoken), customer-service sends and typing, template sends, menu
// creation, WeCom app and group-chat sends; with the errcodes the real APIs give
// and strict checks of each request's shape, so that a test fails when the
// gateway sends what the real API would refuse. Anything else: HTTP 404.
//
// The push builders: what WeChat and WeCom POST (and GET) to our webhook, signed
// and, in safe mode / always for WeCom, encrypted WXBizMsgCrypt-style. The SHA-1
// and AES here are written apart from adapters/wechat on purpose: the tests then
// check the gateway against an independent implementation.
#include "tests/support/fake_platform.hpp"
#include "tests/support/gateway_process.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pg::testing::wx {

// ---------------------------------------------------------------- the APIs

struct api_credentials {
    std::string app_id = "wx0123456789abcdef";  // WeChat: GET /cgi-bin/token?appid=&secret=
    std::string app_secret = "test-app-secret";
    std::string corp_id = "ww0123456789abcdef";  // WeCom: GET /cgi-bin/gettoken?corpid=&corpsecret=
    std::string corp_secret = "test-corp-secret";
    int agent_id = 1000002;                      // WeCom message/send must carry this agentid
    int expires_in = 7200;                       // what token answers announce
    // Whether a new token invalidates the ones before it at once. The real APIs keep
    // the old one working for a few minutes, so by default every unrevoked,
    // unexpired token stays valid.
    bool new_token_revokes_old = false;
    // Customer-service sends allowed per openid in one window (45047 past it); 0: no limit.
    // The real cap is unpublished (a handful per user action), hence off by default.
    std::size_t custom_quota = 0;
};

// One accepted send, parsed. Fields a kind does not have stay empty.
struct sent_message {
    std::string path;          // "/cgi-bin/message/custom/send", ".../template/send", ".../message/send", "/cgi-bin/appchat/send"
    std::string touser;        // openid (WeChat) or "u1|u2" (WeCom)
    std::string toparty, totag, chatid;
    std::string msgtype;       // text, image, news, ... (template sends: "template")
    std::string content;       // text.content / markdown.content
    std::string template_id;   // template sends
    std::string url;           // template sends
    nlohmann::json data;       // template sends: {"keyword1":{"value":"…"},…}
    std::string msgid;         // what the fake answered
    nlohmann::json body;       // the whole request body
};

// Every API call the fake answered, accepted or not.
struct api_call {
    std::string path;          // target without the query
    std::string token;         // access_token from the query ("" when absent)
    int errcode = 0;           // what the fake answered
    std::string body;
};

// The errcodes it answers (all with HTTP 200, {"errcode":N,"errmsg":"…"}), checked in this order:
//   any    scripted by fail_next; 43001 / 43002 wrong method (GET for tokens, POST otherwise)
//   token  40002 grant_type not client_credential, 41002 / 41004 appid / secret missing,
//          40013 wrong appid (WeCom: corpid), 40125 wrong secret (WeCom: 40001 wrong corpsecret)
//   sends  41001 no access_token; 40001 (WeCom 40014) unknown or revoked token; 42001 expired;
//          44002 empty body; 47001 not a JSON object, or a field of the wrong type;
//   custom/send    40003 no touser, 40008 no or unknown msgtype, 47001 no "<msgtype>":{…} object,
//                  44004 empty text.content, 45015 outside the window, 45047 past custom_quota
//   custom/typing  40003 no touser, 47001 command not Typing / CancelTyping, 45015 outside the window
//   template/send  40003 no touser, 40037 no template_id, 47001 data not {"k":{"value":"…"}}
//   menu/create    40016 button not an array of 1..3
//   WeCom message/send  41011 no agentid, 40056 another agentid, 40008 / 47001 / 44004 as custom,
//                       81013 no valid touser and no toparty/totag (unknown members: invaliduser)
//   WeCom appchat/send  86001 no chatid, then as custom
// Where Tencent's docs are silent on which code a malformed field gets, 47001 ("data format error").
class fake_wechat_api {
public:
    explicit fake_wechat_api(api_credentials c = {});
    ~fake_wechat_api();
    fake_wechat_api(fake_wechat_api const&) = delete;
    fake_wechat_api& operator=(fake_wechat_api const&) = delete;

    // The gateway's API base for both WeChat (api.weixin.qq.com) and WeCom (qyapi.weixin.qq.com).
    std::string base_url() const { return platform_.base_url(); }
    unsigned short port() const { return platform_.port(); }
    fake_platform& platform() { return platform_; }  // raw requests, connection faults
    api_credentials const& credentials() const { return creds_; }

    // ---- test controls
    void revoke_tokens();  // every token issued so far: 40001 (WeChat) / 40014 (WeCom)
    void expire_tokens();  // every token issued so far: 42001
    // Customer-service sends to this openid get 45015 (outside the 48-hour window / unfollowed).
    // Either way the openid's custom_quota starts afresh.
    void set_outside_window(std::string const& openid, bool outside = true);
    // The citizen acted again (wrote, followed, clicked): the window opens and the quota refills.
    // Call it beside posting their push to the gateway; the fake does not see the webhook.
    void user_wrote(std::string const& openid);
    // WeCom: this UserID is not in the corp; message/send still answers 0 but lists it in invaliduser.
    void set_unknown_member(std::string const& user_id, bool unknown = true);
    // The next call whose path starts with `path_prefix` (say "/cgi-bin/message/custom/send")
    // answers {"errcode":errcode,"errmsg":"scripted"} and changes nothing. Queued: several stack up.
    void fail_next(std::string const& path_prefix, int errcode);

    // ---- what it saw
    std::size_t token_fetches() const;         // successful GET /cgi-bin/token
    std::size_t wecom_token_fetches() const;   // successful GET /cgi-bin/gettoken
    std::string current_token() const;         // the latest WeChat token ("" before any)
    std::string current_wecom_token() const;
    std::vector<sent_message> custom_sends() const;    // accepted /cgi-bin/message/custom/send
    std::vector<sent_message> template_sends() const;  // accepted /cgi-bin/message/template/send
    std::vector<sent_message> wecom_sends() const;     // accepted /cgi-bin/message/send
    std::vector<sent_message> appchat_sends() const;   // accepted /cgi-bin/appchat/send
    std::vector<api_call> calls() const;               // everything, with the errcode answered
    // Bounded waits (notified on each request, as fake_platform's): true once it holds.
    // `pred` runs under the platform's lock: use this class's accessors, not platform().requests().
    bool wait_until(std::function<bool(fake_wechat_api const&)> const& pred,
                    std::chrono::milliseconds limit = std::chrono::seconds{15}) const;
    bool wait_for_custom_sends(std::size_t n, std::chrono::milliseconds limit = std::chrono::seconds{15}) const;
    bool wait_for_template_sends(std::size_t n, std::chrono::milliseconds limit = std::chrono::seconds{15}) const;
    bool wait_for_wecom_sends(std::size_t n, std::chrono::milliseconds limit = std::chrono::seconds{15}) const;

private:
    struct state;
    api_credentials creds_;
    std::unique_ptr<state> state_;
    fake_platform platform_;  // last: destroyed first, so no request runs against a dead state
};

// ---------------------------------------------------------------- the pushes

// A request as the platform sends it to us.
struct webhook_push {
    std::string method;  // "POST" or "GET"
    std::string target;  // path and query, percent-encoded
    std::string body;    // XML for a POST, "" for a GET
};

// Sends it to the gateway on 127.0.0.1:port as the platform does (Content-Type text/xml on a POST).
http_result deliver(unsigned short gateway_port, webhook_push const& p);

// A WeChat Official Account as configured in its console (and in the gateway's config).
struct wechat_account {
    std::string path = "/webhook/wechat";       // our webhook for it
    std::string token = "pg-token-2026";
    std::string encoding_aes_key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    std::string app_id = "wx0123456789abcdef";  // the receiveid in the ciphertext
    std::string original_id = "gh_0123456789ab";  // ToUserName
    bool safe_mode = true;                      // false: plaintext mode (signature only)
};

// A WeCom self-built app's callback settings.
struct wecom_app {
    std::string path = "/webhook/wecom";
    std::string token = "QDG6eK";
    std::string encoding_aes_key = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    std::string corp_id = "ww0123456789abcdef";  // ToUserName and the receiveid
    std::string agent_id = "1000002";
};

// WeChat pushes. create_time is Unix seconds; it is also the query's timestamp.
// The nonce is fresh each time unless given. msg_id: 64-bit, as text.
webhook_push wechat_text_push(wechat_account const& a, std::string const& openid, std::string const& text,
                              std::string const& msg_id, std::int64_t create_time);
// event: subscribe, unsubscribe, SCAN, CLICK, VIEW, LOCATION, ... event_key "" gives an empty <EventKey/>.
webhook_push wechat_event_push(wechat_account const& a, std::string const& openid, std::string const& event,
                               std::string const& event_key, std::int64_t create_time);
webhook_push wechat_image_push(wechat_account const& a, std::string const& openid, std::string const& pic_url,
                               std::string const& media_id, std::string const& msg_id, std::int64_t create_time);
// Location_X is the latitude, Location_Y the longitude.
webhook_push wechat_location_push(wechat_account const& a, std::string const& openid, double latitude,
                                  double longitude, std::string const& label, std::string const& msg_id,
                                  std::int64_t create_time, int scale = 15);
// recognition "" leaves <Recognition> out (speech recognition off).
webhook_push wechat_voice_push(wechat_account const& a, std::string const& openid, std::string const& media_id,
                               std::string const& recognition, std::string const& msg_id,
                               std::int64_t create_time, std::string const& format = "amr");
// Any inner message XML (as wechat_message_xml and friends make), signed and, in safe mode, encrypted.
webhook_push wechat_push(wechat_account const& a, std::string const& openid, std::string const& inner_xml,
                         std::int64_t timestamp, std::optional<std::string> nonce = std::nullopt);
// GET URL check: echostr is answered back as sent (plaintext, also in safe mode).
webhook_push wechat_url_check(wechat_account const& a, std::string const& echostr, std::int64_t timestamp,
                              std::string const& nonce = "urlcheck");

// WeCom pushes: always encrypted with the CorpID, msg_signature in the query.
webhook_push wecom_text_push(wecom_app const& a, std::string const& user_id, std::string const& text,
                             std::string const& msg_id, std::int64_t create_time);
webhook_push wecom_push(wecom_app const& a, std::string const& inner_xml, std::int64_t timestamp,
                        std::optional<std::string> nonce = std::nullopt);
// GET URL check: echostr is `plain` encrypted; the right answer is `plain`.
webhook_push wecom_url_check(wecom_app const& a, std::string const& plain, std::int64_t timestamp,
                             std::string const& nonce = "urlcheck");

// The inner XML of a text message, as the platforms write it (CDATA, '\n' between fields).
// agent_id non-empty adds <AgentID> (WeCom).
std::string message_xml(std::string const& to, std::string const& from, std::int64_t create_time,
                        std::string const& msg_type, std::vector<std::pair<std::string, std::string>> const& fields,
                        std::string const& agent_id = "");

// Opens a safe-mode passive reply (<xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>):
// checks MsgSignature and the receiveid, returns the reply XML; nullopt (with `why`) otherwise.
std::optional<std::string> open_passive_reply(std::string const& token, std::string const& encoding_aes_key,
                                              std::string const& receive_id, std::string const& body,
                                              std::string* why = nullptr);

// ---- The primitives, exposed for checking against Tencent's vectors.

// hex(SHA1(sorted(parts) concatenated)), lower case.
std::string sorted_sha1(std::vector<std::string> parts);
// random16 (exactly 16 bytes) ‖ uint32 BE length ‖ message ‖ receive_id, PKCS#7 to 32, AES-256-CBC, base64.
std::string encrypt(std::string const& encoding_aes_key, std::string const& message, std::string const& receive_id,
                    std::string const& random16);
// The inverse: nullopt when the padding, the length or the receiveid is wrong.
std::optional<std::string> decrypt(std::string const& encoding_aes_key, std::string const& base64_ciphertext,
                                   std::string const& receive_id);
// Percent-encodes everything but unreserved characters (a query value).
std::string url_encode(std::string_view s);

}  // namespace pg::testing::wx
