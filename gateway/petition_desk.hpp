#pragma once
// What officials do with petitions over HTTP, shared by the bearer-token staff
// API (staff_api) and the staff console (console): list, get one with its
// timeline, act, and the response-time figures. One place for the query
// parameters, the JSON shapes, the lifecycle call and the department scope.
#include "dialog/response_times.hpp"
#include "dialog/texts.hpp"
#include "gateway/http_server.hpp"
#include "gateway/open_data.hpp"
#include "model/petition.hpp"
#include "model/staff.hpp"
#include "storage/store.hpp"

#include <boost/asio/thread_pool.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace pg::dialog { struct actor; }

namespace pg::gateway {

class lanes;
class unit_runner;
struct unit_result;

// The departments an official may see and act on; empty = all.
struct department_scope {
    std::vector<std::string> departments;
    bool covers(std::string_view department) const;
};

// A JSON answer: {"error": reason} for failures.
response json_response(http::status s, nlohmann::json const& body);
response json_error(http::status s, std::string reason);

// A petition for staff eyes (it carries personal data), and a timeline entry.
// Beside each department and category id, its label in tx's language
// (department_label, category_label), for pages; the ids stay for programs.
nlohmann::json staff_view(model::petition const& p, model::timestamp now, dialog::texts const& tx);
nlohmann::json staff_view(model::timeline_event const& e, dialog::texts const& tx);
// Groups by department and by category also get a "label".
nlohmann::json to_json(figures_snapshot const& s, dialog::texts const& tx);

// "?a=1&b=2" -> pairs, undecoded but for '+' and %XX.
std::vector<std::pair<std::string, std::string>> query_params(std::string_view target);

// What the audit keeps of one authenticated staff request and its answer:
// `path` without the query; the tracking number from ".../petitions/<n>..."; a
// POST's "action" from its JSON body.
model::audit_entry audit_entry_of(request const& req, std::string_view path, std::string who, std::string via,
                                  std::string source, model::timestamp now, int status);
// The "lang" query parameter: the language a page shows labels in ("" if none).
std::string language_param(std::string_view target);

class petition_desk {
public:
    using clock_fn = std::function<model::timestamp()>;
    petition_desk(storage::store& store, unit_runner& runner, lanes& lanes, net::thread_pool& pool, clock_fn clock,
                  model::dialog_data const& dialog);

    // GET ...?status=&department=&overdue=true&open=true&from=&to=&limit=&lang=
    net::awaitable<response> list(std::string_view target, department_scope const& scope);
    // One petition with its timeline, and the conversation as far as the
    // gateway knows it (description, added information, answers); labels in `language`.
    net::awaitable<response> one(std::string const& tracking, department_scope const& scope,
                                 std::string_view language = {});
    // Body {"action": "...", "department", "assignee", "text"}; the same lifecycle
    // and citizen notifications as a chat command.
    net::awaitable<response> act(std::string const& tracking, std::string const& body, dialog::actor const& who,
                                 department_scope const& scope);

    // Body {"reason": "..."}: erases the petition's personal data (see
    // unit_runner::erase_personal_data); the answer is the petition as it is now.
    net::awaitable<response> erase(std::string const& tracking, std::string const& body, dialog::actor const& who,
                                   department_scope const& scope);

    // Response-time figures over every petition and the stage times they come
    // from, recomputed at most every `max_age` so a public page cannot make the
    // store read everything per hit.
    net::awaitable<std::shared_ptr<figures_snapshot const>> figures(
        std::chrono::milliseconds max_age = std::chrono::seconds{30});
    // Open petitions past a deadline in `scope`, most overdue first.
    net::awaitable<std::vector<model::petition>> overdue(department_scope const& scope);

    // The audit of staff requests: one more entry, or the newest entries
    // (GET ...?tracking=&who=&limit=). A failed audit write is logged, never
    // turned into a refused request: the timeline keeps every action regardless.
    net::awaitable<void> audit(model::audit_entry entry);
    net::awaitable<response> audit_log(std::string_view target);

    // Labels in a client's language ("en", "zh-hans"; "" or unknown: the flow's default).
    dialog::texts texts_for(std::string_view language) const;

    storage::store& store() { return store_; }
    net::thread_pool& pool() { return pool_; }
    model::timestamp now() const { return clock_(); }

private:
    using scope_check = std::function<bool(model::petition const&)>;
    // Runs a change to one petition on its lane (`run` gets the time and the
    // scope check to ask under the petition's lock) and answers with the
    // petition as it is after, or why nothing changed.
    net::awaitable<response> change(std::string const& tracking, department_scope const& scope,
                                     std::function<unit_result(model::timestamp, scope_check const&)> run);

    storage::store& store_;
    unit_runner& runner_;
    lanes& lanes_;
    net::thread_pool& pool_;
    clock_fn clock_;
    model::dialog_data const& dialog_;

    std::mutex figures_mutex_;
    std::shared_ptr<figures_snapshot const> figures_;
};

}  // namespace pg::gateway
