// X-Twilio-Signature: HMAC-SHA1 over the configured URL and the decoded form.
#include "adapters/common/hmac.hpp"
#include "adapters/common/secret.hpp"
#include "adapters/sms/sms.hpp"
#include "model/password_hash.hpp"

#include <algorithm>

namespace pg::adapters::sms {

std::string twilio_signature(std::string_view auth_token, std::string_view url, form_fields const& fields)
{
    std::vector<std::pair<std::string_view, std::string_view>> sorted(fields.begin(), fields.end());
    std::sort(sorted.begin(), sorted.end());  // by name, then value; bytes compare as code points do
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    std::string data(url);
    for (auto const& [name, value] : sorted) {
        data += name;
        data += value;
    }
    return model::to_base64(hmac_sha1(auth_token, data));
}

std::vector<std::string> signed_url_variants(std::string_view public_url)
{
    std::vector<std::string> out{std::string(public_url)};
    std::string_view default_port;
    std::size_t scheme_end = 0;
    if (public_url.starts_with("https://"))
        default_port = "443", scheme_end = 8;
    else if (public_url.starts_with("http://"))
        default_port = "80", scheme_end = 7;
    else
        return out;
    auto const authority_end = std::min(public_url.find_first_of("/?#", scheme_end), public_url.size());
    auto const authority = public_url.substr(scheme_end, authority_end - scheme_end);
    // The port follows the last ':' outside an IPv6 literal's brackets.
    auto const colon = authority.rfind(':');
    bool const has_port = colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos;
    auto const head = public_url.substr(0, scheme_end);
    auto const tail = public_url.substr(authority_end);
    if (!has_port)
        out.push_back(std::string(head) + std::string(authority) + ":" + std::string(default_port) + std::string(tail));
    else if (authority.substr(colon + 1) == default_port)
        out.push_back(std::string(head) + std::string(authority.substr(0, colon)) + std::string(tail));
    return out;
}

bool signature_matches(std::string_view header, std::string_view auth_token, std::string_view public_url,
                       form_fields const& fields)
{
    bool any = false;
    for (auto const& url : signed_url_variants(public_url))
        any |= same_secret(header, twilio_signature(auth_token, url, fields));  // every variant, whatever matched
    return any;
}

}  // namespace pg::adapters::sms
