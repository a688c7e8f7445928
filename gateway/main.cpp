// argv -> config -> service; exit codes: 0 ok, 1 runtime failure, 2 usage or config error.
#include "config/load.hpp"
#include "dialog/citizen_flow.hpp"
#include "gateway/app.hpp"
#include "adapters/common/password.hpp"
#include "gateway/backup.hpp"
#include "gateway/console_sessions.hpp"
#include "gateway/publish.hpp"
#include "gateway/log.hpp"

#ifdef PG_MIMALLOC
#include <mimalloc.h>
#endif

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <exception>
#include <string>
#include <string_view>
#include <sys/stat.h>

namespace {

constexpr char usage[] =
    "Usage: petition-gateway --config FILE [--check-config]\n"
    "       petition-gateway --check-config FILE\n"
    "       petition-gateway backup DIR --config FILE [--port N]\n"
    "       petition-gateway hash-password < password.txt\n"
    "       petition-gateway publish CHANNEL --config FILE\n"
    "       petition-gateway migrate --config FILE\n"
    "       petition-gateway --version | --help\n"
    "\n"
    "Runs the Petition Gateway: webhooks in, citizen dialog, RocksDB, replies out.\n"
    "\n"
    "  --config FILE     the JSON config (see config/demo/demo.json)\n"
    "  --check-config    load and validate the config (the one after it, or --config's),\n"
    "                    print a summary, exit\n"
    "  backup DIR        ask the gateway running with this config to write a checkpoint\n"
    "                    of its database into DIR (new); --port N if server.port is 0\n"
    "  hash-password     read a staff console password from stdin (one line), print its\n"
    "                    hash for console.accounts[].password_hash\n"
    "  publish CHANNEL   set the platform side of a channel up from the config (WeChat:\n"
    "                    its custom menu), print what each call did\n"
    "  migrate           bring the PostgreSQL schema of storage.postgresql.dsn up to this\n"
    "                    version (once, before the nodes start; again is a no-op)\n"
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

// `backup DIR --config FILE [--port N]`: the running gateway writes the checkpoint.
int backup(int argc, char** argv)
{
    std::string dir;
    std::string config_path;
    std::optional<std::uint16_t> port;
    for (int i = 2; i < argc; ++i) {
        std::string_view const arg = argv[i];
        if (arg == "--config" && i + 1 < argc) {
            config_path = argv[++i];
        } else if (arg == "--port" && i + 1 < argc) {
            auto const n = std::atoi(argv[++i]);
            if (n < 1 || n > 65535) {
                std::fprintf(stderr, "petition-gateway backup: --port: expected 1 to 65535\n");
                return 2;
            }
            port = static_cast<std::uint16_t>(n);
        } else if (dir.empty() && !arg.starts_with("-")) {
            dir = arg;
        } else {
            std::fprintf(stderr, "petition-gateway backup: unknown argument \"%s\"\n\n%s", argv[i], usage);
            return 2;
        }
    }
    if (dir.empty() || config_path.empty()) {
        std::fprintf(stderr, "petition-gateway backup: DIR and --config FILE are required\n\n%s", usage);
        return 2;
    }
    try {
        return pg::gateway::backup_command(pg::config::load(config_path), dir, port);
    } catch (pg::config::config_error const& e) {
        std::fprintf(stderr, "petition-gateway: %s\n", e.what());
        return 2;
    }
}

// A command on a loaded config; 2 when the config does not load.
template <class F>
int with_config(char const* path, F command)
{
    try {
        return command(pg::config::load(path));
    } catch (pg::config::config_error const& e) {
        std::fprintf(stderr, "petition-gateway: %s\n", e.what());
        return 2;
    }
}

// `publish CHANNEL --config FILE`
int publish(int argc, char** argv)
{
    if (argc != 5 || std::string_view(argv[3]) != "--config") {
        std::fprintf(stderr, "petition-gateway publish: expected CHANNEL --config FILE\n\n%s", usage);
        return 2;
    }
    return with_config(argv[4], [&](auto const& s) { return pg::gateway::publish_command(s, argv[2]); });
}

// `migrate --config FILE`
int migrate(int argc, char** argv)
{
    if (argc != 4 || std::string_view(argv[2]) != "--config") {
        std::fprintf(stderr, "petition-gateway migrate: expected --config FILE\n\n%s", usage);
        return 2;
    }
    return with_config(argv[3], [](auto const& s) { return pg::gateway::migrate_command(s); });
}

// `hash-password`: stdin's first line -> "pbkdf2-sha256$600000$salt$hash".
// From stdin, not argv, so the password stays out of shell history and `ps`.
int hash_password_command()
{
    std::string password;
    for (int c; (c = std::getchar()) != EOF && c != '\n';)
        password += static_cast<char>(c);
    if (!password.empty() && password.back() == '\r')
        password.pop_back();
    if (password.empty()) {
        std::fprintf(stderr, "petition-gateway hash-password: expected a password on stdin, found none\n");
        return 2;
    }
    std::printf("%s\n", pg::adapters::hash_password(password, pg::gateway::random_bytes(16)).c_str());
    return 0;
}

}  // namespace

int main(int argc, char** argv)
{
    // Everything the gateway writes (the data directory, RocksDB's files, kept
    // secrets, backups) holds citizens' petitions or keys: owner only.
    ::umask(077);
    if (argc == 2 && std::string_view(argv[1]) == "hash-password")
        return hash_password_command();
    if (argc > 1 && std::string_view(argv[1]) == "backup")
        return backup(argc, argv);
    if (argc > 1 && std::string_view(argv[1]) == "publish")
        return publish(argc, argv);
    if (argc > 1 && std::string_view(argv[1]) == "migrate")
        return migrate(argc, argv);
    std::string config_path;
    bool check_only = false;
    // One config file, however it is given: a second is a mistake, not an override.
    auto const take_config = [&](std::string_view path) {
        if (!config_path.empty() && config_path != path) {
            std::fprintf(stderr, "petition-gateway: give one config file, not \"%s\" and \"%.*s\"\n\n%s",
                         config_path.c_str(), static_cast<int>(path.size()), path.data(), usage);
            return false;
        }
        config_path = path;
        return true;
    };
    for (int i = 1; i < argc; ++i) {
        std::string_view const arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            std::fputs(usage, stdout);
            return 0;
        }
        if (arg == "--version") {
#ifdef PG_MIMALLOC
            // Also proves the allocator is linked in (a library nothing calls could be dropped).
            std::printf("petition-gateway %s (allocator: mimalloc %d)\n", PG_VERSION, mi_version());
#else
            std::printf("petition-gateway %s\n", PG_VERSION);
#endif
            return 0;
        }
        bool taken = true;
        if (arg == "--check-config") {
            check_only = true;
            // `--check-config FILE`: the file may follow it instead of coming with --config.
            if (i + 1 < argc && !std::string_view(argv[i + 1]).starts_with("-"))
                taken = take_config(argv[++i]);
        } else if (arg == "--config" && i + 1 < argc) {
            taken = take_config(argv[++i]);
        } else if (arg.starts_with("--config=")) {
            taken = take_config(arg.substr(9));
        } else {
            std::fprintf(stderr, "petition-gateway: unknown argument \"%s\"\n\n%s", argv[i], usage);
            return 2;
        }
        if (!taken)
            return 2;
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
                    settings.dialog.citizen.categories.size(),
                    settings.storage.backend == pg::config::storage_backend::postgresql
                        ? "postgresql"
                        : settings.storage.path.c_str());
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
