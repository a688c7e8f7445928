// WhatsApp Cloud API on the platform contract: config read and checked once in
// make(), then the pieces of verify.cpp, parse.cpp, render.cpp and interpret.cpp.
#include "adapters/whatsapp/whatsapp.hpp"

#include "adapters/common/options.hpp"
#include "adapters/common/json_read.hpp"
#include "adapters/common/placeholders.hpp"
#include "adapters/whatsapp/account.hpp"
#include "model/petition.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <initializer_list>
#include <string_view>
#include <utility>

namespace pg::adapters::whatsapp {
namespace {

using nlohmann::json;

// Meta's limits on what a template sends: a name of lower-case letters, digits and
// '_' (at most 512), and a body of at most 1024 characters (its parameters included).
constexpr std::size_t max_template_name = 512;
constexpr std::size_t max_template_parameters = 20;
constexpr std::size_t max_id_digits = 32;

bool has_space(std::string_view s)
{
    return std::any_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); });
}

// A string option; absent (or "") reads as "". Config has checked the shapes
// already; make() checks again so a platform built another way fails as clearly.
std::string string_option(json const& options, std::string_view key)
{
    auto const v = json_read::find(options, key);
    if (v == nullptr || (v->is_string() && v->get_ref<std::string const&>().empty()))
        refuse(std::string(key), "missing");
    if (!v->is_string())
        refuse(std::string(key), "expected a string");
    auto const& s = v->get_ref<std::string const&>();
    if (has_space(s))
        refuse(std::string(key), "contains white space");
    return s;
}

bool template_name(std::string_view s)
{
    return !s.empty() && s.size() <= max_template_name && std::all_of(s.begin(), s.end(), [](unsigned char c) {
               return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
           });
}

// "en", "en_US", "zh_CN", "es_419", "zh_HK": a language, maybe a region.
bool language_code(std::string_view s)
{
    auto const letters = [](std::string_view p) {
        return std::all_of(p.begin(), p.end(), [](unsigned char c) { return std::isalpha(c); });
    };
    auto const us = s.find('_');
    auto const lang = s.substr(0, us);
    if (lang.size() < 2 || lang.size() > 3 || !letters(lang))
        return false;
    if (us == std::string_view::npos)
        return true;
    auto const region = s.substr(us + 1);
    return region.size() >= 2 && region.size() <= 4 &&
           std::all_of(region.begin(), region.end(), [](unsigned char c) { return std::isalnum(c); });
}

status_template read_template(json const& t, std::string const& path)
{
    if (!t.is_object())
        refuse(path, "expected an object {\"name\", \"language\", \"parameters\"}");
    refuse_unknown_keys(t, path, {"name", "language", "parameters"});
    status_template out;

    auto const name = json_read::find(t, "name");
    if (name == nullptr)
        refuse(path + ".name", "missing");
    if (!name->is_string() || !template_name(name->get_ref<std::string const&>()))
        refuse(path + ".name", "expected the template's name as approved: lower-case letters, digits and '_'");
    out.name = name->get<std::string>();

    out.language = "en_US";
    if (auto const lang = json_read::find(t, "language")) {
        if (!lang->is_string() || !language_code(lang->get_ref<std::string const&>()))
            refuse(path + ".language", "expected the approved translation's code, such as \"en_US\" or \"zh_CN\"");
        out.language = lang->get<std::string>();
    }

    if (auto const params = json_read::find(t, "parameters")) {
        if (!params->is_array() || params->size() > max_template_parameters)
            refuse(path + ".parameters",
                   "expected an array of up to " + std::to_string(max_template_parameters) + " strings, one per {{n}}");
        for (std::size_t i = 0; i < params->size(); ++i) {
            auto const where = path + ".parameters[" + std::to_string(i) + "]";
            auto const& p = (*params)[i];
            if (!p.is_string())
                refuse(where, "expected a string");
            auto const checked = fill_placeholders(p.get_ref<std::string const&>(), {});
            if (!checked)
                refuse(where, checked.error().detail);
            out.parameters.push_back(p.get<std::string>());
        }
    }
    return out;
}

class cloud_api final : public platform {
public:
    explicit cloud_api(account a) : a_(std::move(a)) {}

    capabilities const& can() const override
    {
        static capabilities const c{.buttons = true,
                                    .max_buttons = 10,  // a list's rows
                                    .threads = false,
                                    .thread_carries_text = false,
                                    .max_text = max_text_units,
                                    .reply_window = std::chrono::duration_cast<std::chrono::milliseconds>(reply_window),
                                    .local_delivery = false,
                                    .staff_only = false,
                                    .public_webhook = false};
        return c;
    }

    model::result<http_answer> verify_url(model::raw_request const& req, model::timestamp) const override
    {
        return answer_url_check(req, a_);
    }

    model::result<webhook_input> parse(model::raw_request const& req, model::timestamp) const override
    {
        return parse_notification(req, a_);
    }

    model::result<model::api_call> render(model::outbound_message const& m, send_context const& ctx) const override
    {
        return render_message(m, ctx, a_);
    }

    model::delivery_verdict interpret(model::api_response const& r, model::timestamp now) const override
    {
        return interpret_answer(r, now);
    }

private:
    account a_;
};

std::unique_ptr<platform const> make(channel_config const& c)
{
    return std::make_unique<cloud_api const>(read_account(c));
}

constexpr std::array settings{
    setting{"phone_number_id", setting_kind::word, true},
    setting{"access_token", setting_kind::secret_word, true},
    setting{"app_secret", setting_kind::secret_word, true},
    setting{"verify_token", setting_kind::secret_word, true},
    setting{"templates", setting_kind::object, false},
};

}  // namespace

account read_account(channel_config const& c)
{
    account a;
    a.channel_id = c.id;
    a.phone_number_id = string_option(c.options, "phone_number_id");
    bool const digits = std::all_of(a.phone_number_id.begin(), a.phone_number_id.end(),
                                    [](unsigned char ch) { return ch >= '0' && ch <= '9'; });
    if (!digits || a.phone_number_id.size() > max_id_digits)
        refuse("phone_number_id", "expected the Phone number ID (digits, not the phone number itself) from "
                                  "WhatsApp Manager or the app's API Setup page");
    a.access_token = string_option(c.options, "access_token");
    a.app_secret = string_option(c.options, "app_secret");
    a.verify_token = string_option(c.options, "verify_token");
    a.templates = read_status_templates<status_template>(c.options, read_template);
    return a;
}

platform_kind kind()
{
    return {.name = "whatsapp",
            .default_api_base = "https://graph.facebook.com/v21.0",
            .settings = settings,
            .make = &make,
            .example = R"({"phone_number_id": "106540352242922", "access_token": "EAAGexampleSystemUserToken",
                          "app_secret": "0123456789abcdef0123456789abcdef", "verify_token": "petition-verify-token",
                          "templates": {"accepted": {"name": "petition_status", "language": "en_US",
                                                     "parameters": ["{tracking}", "{status}"]}}})"};
}

}  // namespace pg::adapters::whatsapp
