// Every platform the gateway speaks: one line each.
#include "adapters/line/line.hpp"
#include "adapters/platform.hpp"
#include "adapters/slack/slack.hpp"
#include "adapters/sms/sms.hpp"
#include "adapters/telegram/telegram.hpp"
#include "adapters/webchat/webchat.hpp"
#include "adapters/wechat/official_account.hpp"
#include "adapters/wecom/wecom.hpp"
#include "adapters/whatsapp/whatsapp.hpp"

#include <vector>

namespace pg::adapters {

std::span<platform_kind const> platform_kinds()
{
    static std::vector<platform_kind> const kinds = {
        telegram::kind(),
        slack::kind(),
        webchat::kind(),
        wechat::official_account_kind(),
        wecom::wecom_kind(),
        whatsapp::kind(),
        line::kind(),
        sms::kind(),
    };
    return kinds;
}

platform_kind const* find_platform_kind(std::string_view name)
{
    for (auto const& k : platform_kinds())
        if (k.name == name)
            return &k;
    return nullptr;
}

}  // namespace pg::adapters
