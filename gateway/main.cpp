// argv -> config -> service; exit codes: 0 ok, 1 runtime failure, 2 usage or config error.
#include "config/load.hpp"
#include "dialog/citizen_flow.hpp"
#include "gateway/app.hpp"
#include "gateway/log.hpp"

#include <cstdio>
#include <exception>
#include <string>
#include <string_view>

namespace {

constexpr char usage[] =
    "Usage: petition-gateway --config FILE [--check-config]\n"
    "       petition-gateway --version | --help\n"
    "\n"
    "Runs the Petition Gateway: webhooks in, citizen dialog, RocksDB, replies out.\n"
    "\n"
    "  --config FILE     the JSON config (see config/demo/demo.json)\n"
    "  --check-config    load and validate the config, print a summary, exit\n"
    "  --version         print the version\n"
    "  --help            this text\n";

// The dialog's text keys must all exist in every locale: checked before serving.
void check_texts(pg::config::settings const& s)
{
    for (auto const& loc : s.dialog.locales)
        for (auto const& key : pg::dialog::required_text_keys())
            if (!loc.texts.contains(key))
                throw pg::config::config_error(s.file + ": dialog.locales: locale \"" + loc.code +
                                               "\" lacks text \"" + key + "\"");
}

}  // namespace

int main(int argc, char** argv)
{
    std::string config_path;
    bool check_only = false;
    for (int i = 1; i < argc; ++i) {
        std::string_view const arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            std::fputs(usage, stdout);
            return 0;
        }
        if (arg == "--version") {
            std::printf("petition-gateway %s\n", PG_VERSION);
            return 0;
        }
        if (arg == "--check-config") {
            check_only = true;
        } else if (arg == "--config" && i + 1 < argc) {
            config_path = argv[++i];
        } else if (arg.starts_with("--config=")) {
            config_path = std::string(arg.substr(9));
        } else {
            std::fprintf(stderr, "petition-gateway: unknown argument \"%s\"\n\n%s", argv[i], usage);
            return 2;
        }
    }
    if (config_path.empty()) {
        std::fprintf(stderr, "petition-gateway: --config FILE is required\n\n%s", usage);
        return 2;
    }

    pg::config::settings settings;
    try {
        settings = pg::config::load(config_path);
        check_texts(settings);
    } catch (pg::config::config_error const& e) {
        std::fprintf(stderr, "petition-gateway: %s\n", e.what());
        return 2;
    }
    pg::gateway::log::level level{};
    if (pg::gateway::log::parse_level(settings.log.level, level))
        pg::gateway::log::set_level(level);

    if (check_only) {
        std::printf("%s: ok (%zu channel(s), %zu locale(s), %zu categories, storage %s)\n", config_path.c_str(),
                    settings.channels.size(), settings.dialog.locales.size(),
                    settings.dialog.citizen.categories.size(), settings.storage.path.c_str());
        return 0;
    }
    try {
        return pg::gateway::run_service(settings);
    } catch (std::exception const& e) {
        pg::gateway::log::error("fatal", {{"error", e.what()}});
        std::fprintf(stderr, "petition-gateway: %s\n", e.what());
        return 1;
    }
}
