// pg-micro: what one webhook costs inside the gateway, piece by piece, without
// sockets: the Telegram adapter (parse an update, render a reply), the citizen
// dialog (one step at a few representative points) and one storage commit
// (sync=false) into a temporary RocksDB. Run: pg-micro [--benchmark_filter=...]
#include "adapters/telegram/telegram.hpp"
#include "config/load.hpp"
#include "dialog/citizen_flow.hpp"
#include "dialog/tracking.hpp"
#include "storage/rocks_store.hpp"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

namespace {

using namespace pg;

constexpr model::timestamp t0 = model::from_millis(1'764'000'000'000);

model::dialog_data const& demo()
{
    static model::dialog_data const data = [] {
        auto no_env = [](std::string const&) -> std::optional<std::string> { return std::nullopt; };
        return config::load(std::string(PG_SOURCE_DIR) + "/config/demo/demo.json", no_env).dialog;
    }();
    return data;
}

dialog::vocabulary const& demo_words()
{
    static dialog::vocabulary const words{demo()};
    return words;
}

class map_lookup final : public dialog::petition_lookup {
public:
    std::optional<model::petition> petition(std::string_view tracking) const override
    {
        auto const it = petitions.find(std::string(tracking));
        return it == petitions.end() ? std::nullopt : std::optional<model::petition>(it->second);
    }
    std::vector<model::timeline_event> timeline(std::string_view) const override
    {
        model::timeline_event e;
        e.at = t0;
        e.to = model::status::submitted;
        e.actor = model::actor_kind::citizen;
        e.channel_id = "telegram";
        e.note = "submitted";
        return {e};
    }
    std::map<std::string, model::petition> petitions;
};

model::inbound_event text_event(std::string text)
{
    model::inbound_event e;
    e.dedupe_key = "tg:telegram:1001";
    e.channel_id = "telegram";
    e.chat_id = "700000042";
    e.user_id = "700000042";
    e.kind = model::event_kind::text;
    e.text = std::move(text);
    e.language = "en";
    e.sent_at = t0;
    return e;
}

model::conversation at(model::dialog_step s)
{
    model::conversation c;
    c.channel_id = "telegram";
    c.chat_id = "700000042";
    c.user_id = "700000042";
    c.language = s == model::dialog_step::start ? "" : "en";
    c.step = s;
    c.events = 12;
    c.updated_at = t0;
    if (s == model::dialog_step::confirm || s == model::dialog_step::description) {
        c.draft.category = "roads";
        c.draft.location_text = "12 Station Road, district 3";
    }
    if (s == model::dialog_step::confirm)
        c.draft.description = "There is a deep pothole in the middle of the lane that has already damaged cars.";
    return c;
}

// One dialog step: the state and event are copied in, as the gateway does per update.
void run_step(benchmark::State& state, model::conversation const& conv, model::inbound_event const& ev,
              map_lookup const& lookup)
{
    std::uint64_t n = 0;
    dialog::context ctx{t0, demo(), demo_words(), lookup, [&n] { return dialog::tracking_number(++n, "bench-key"); }};
    for (auto _ : state) {
        auto out = dialog::step(conv, ev, ctx);
        benchmark::DoNotOptimize(out);
    }
}

void dialog_step_first_contact(benchmark::State& state)
{
    map_lookup none;
    run_step(state, at(model::dialog_step::start), text_event("/start"), none);
}
void dialog_step_menu_file(benchmark::State& state)
{
    map_lookup none;
    run_step(state, at(model::dialog_step::menu), text_event("1"), none);
}
void dialog_step_category_number(benchmark::State& state)
{
    map_lookup none;
    run_step(state, at(model::dialog_step::category), text_event("3"), none);
}
void dialog_step_description(benchmark::State& state)
{
    map_lookup none;
    run_step(state, at(model::dialog_step::description),
             text_event("Water is leaking from a broken pipe under the pavement and the sidewalk is flooded."), none);
}
void dialog_step_confirm_send(benchmark::State& state)
{
    map_lookup none;
    run_step(state, at(model::dialog_step::confirm), text_event("send"), none);
}
// "track" with N own petitions: the list reads each one (the gateway reads them from RocksDB).
void dialog_step_track_list(benchmark::State& state)
{
    map_lookup lookup;
    auto conv = at(model::dialog_step::menu);
    for (std::int64_t i = 0; i < state.range(0); ++i) {
        model::petition p;
        p.number = std::uint64_t(i + 1);
        p.tracking = dialog::tracking_number(p.number, "bench-key");
        p.channel_id = "telegram";
        p.chat_id = conv.chat_id;
        p.category = "roads";
        p.department = "transport";
        p.location_text = "12 Station Road";
        p.description = "There is a deep pothole in the middle of the lane.";
        p.submitted_at = t0;
        p.deadline_at = t0 + std::chrono::days{10};
        conv.petitions.push_back(p.tracking);
        lookup.petitions[p.tracking] = p;
    }
    run_step(state, conv, text_event("track"), lookup);
}
BENCHMARK(dialog_step_first_contact);
BENCHMARK(dialog_step_menu_file);
BENCHMARK(dialog_step_category_number);
BENCHMARK(dialog_step_description);
BENCHMARK(dialog_step_confirm_send);
BENCHMARK(dialog_step_track_list)->Arg(1)->Arg(10);

// ---------------------------------------------------------------- Telegram adapter

std::string const update_body =
    R"({"update_id":123457,"message":{"message_id":9,"from":{"id":700000042,"is_bot":false,"first_name":"Citizen42",)"
    R"("language_code":"en"},"chat":{"id":700000042,"first_name":"Citizen42","type":"private"},"date":1764000000,)"
    R"("text":"There is a deep pothole in the middle of the lane that has already damaged several cars."}})";

adapters::telegram::secrets const secrets{"bench-secret-0123456789abcdef", "123456:BENCH-TOKEN"};

void telegram_parse_update(benchmark::State& state)
{
    model::raw_request req;
    req.method = "POST";
    req.target = "/webhook/telegram";
    req.headers = {{"Host", "127.0.0.1:8080"},
                   {"User-Agent", "pg-loadgen"},
                   {"Content-Type", "application/json"},
                   {"X-Telegram-Bot-Api-Secret-Token", secrets.webhook_secret},
                   {"Content-Length", std::to_string(update_body.size())}};
    req.body = update_body;
    for (auto _ : state) {
        auto r = adapters::telegram::parse_update(req, "telegram", secrets);
        if (!r)
            state.SkipWithError("parse failed");
        benchmark::DoNotOptimize(r);
    }
    state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(update_body.size()));
}
BENCHMARK(telegram_parse_update);

// Renders a reply the dialog really produces: the category prompt with its buttons.
void telegram_render(benchmark::State& state)
{
    map_lookup none;
    dialog::context ctx{t0, demo(), demo_words(), none, [] { return std::string("0000-0000"); }};
    auto out = dialog::step(at(model::dialog_step::menu), text_event("1"), ctx);
    if (out.replies.empty()) {
        state.SkipWithError("no reply");
        return;
    }
    auto const& m = out.replies.front();
    for (auto _ : state) {
        auto call = adapters::telegram::render(m, secrets);
        benchmark::DoNotOptimize(call);
    }
}
BENCHMARK(telegram_render);

// ---------------------------------------------------------------- storage

class temp_store {
public:
    explicit temp_store(bool sync = false)
    {
        char tmpl[] = "/tmp/pg-micro-XXXXXX";
        if (!mkdtemp(tmpl))
            std::abort();
        dir_ = tmpl;
        store_ = storage::open_rocks_store({dir_, sync, true});
    }
    ~temp_store()
    {
        store_.reset();
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }
    storage::store& operator*() { return *store_; }

private:
    std::string dir_;
    std::unique_ptr<storage::store> store_;
};

// The common unit: a dedupe key, the conversation's next state and one reply.
// Argument 1: storage.sync = true, one committing thread, so every commit waits
// for its own WAL fsync: what this disk's fsync costs.
void storage_commit(benchmark::State& state)
{
    temp_store db(state.range(0) != 0);
    map_lookup none;
    dialog::context ctx{t0, demo(), demo_words(), none, [] { return std::string("0000-0000"); }};
    auto const out = dialog::step(at(model::dialog_step::category), text_event("3"), ctx);
    std::uint64_t n = 0;
    for (auto _ : state) {
        storage::unit_of_work w;
        w.dedupe_key = "tg:telegram:" + std::to_string(++n);
        w.conversation = out.next;
        w.conversation->chat_id = std::to_string(700'000'000 + n % 10'000);
        w.outbox = out.replies;
        auto r = (*db).commit(w);
        if (r.status != storage::commit_status::committed)
            state.SkipWithError("commit failed");
        benchmark::DoNotOptimize(r);
    }
}
BENCHMARK(storage_commit)->ArgName("sync")->Arg(0)->Arg(1)->UseRealTime();

// What the gateway reads per update before the dialog runs.
void storage_load_conversation(benchmark::State& state)
{
    temp_store db;
    for (int i = 0; i < 10'000; ++i) {
        storage::unit_of_work w;
        w.dedupe_key = "tg:telegram:" + std::to_string(i);
        w.conversation = at(model::dialog_step::menu);
        w.conversation->chat_id = std::to_string(700'000'000 + i);
        (*db).commit(w);
    }
    std::uint64_t n = 0;
    for (auto _ : state) {
        auto c = (*db).conversation("telegram", std::to_string(700'000'000 + (n++ * 7919) % 10'000));
        benchmark::DoNotOptimize(c);
    }
}
BENCHMARK(storage_load_conversation);

}  // namespace

BENCHMARK_MAIN();
