#pragma once
// What each simulated citizen types, and which replies that must produce, in
// order. Pure: no sockets, no clock.
//
// One cycle is 10 updates and 11 sendMessage replies, learnt from the real
// gateway on the demo flow and checked against the shipped en locale:
//
//   update        replies  first reply starts with (locale key)
//   /start        1        menu.prompt (after welcome + privacy on first contact)
//   1             1        category.prompt
//   <1..6>        1        location.prompt
//   <address>     1        description.prompt
//   <description> 1        since.prompt (after the description's length note)
//   skip          1        outcome.prompt
//   skip          1        photos.prompt
//   no photos     1        confirm.prompt
//   send          2        filed (with the tracking number), then menu.prompt
//   track         1        track.list (must list the number just filed)
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace pg::bench {

inline constexpr unsigned steps_per_cycle = 10;
inline constexpr unsigned replies_per_cycle = 11;

struct chat {
    std::int64_t id = 0;
    std::uint32_t index = 0;
    std::uint32_t pos = 0;         // next step, 0..9
    std::uint32_t cycle = 0;       // completed cycles
    std::uint32_t message_id = 0;  // last message_id sent
    std::uint32_t warmup = 0;      // mix walk: steps still to take before measuring
    std::uint64_t expected = 0;    // sendMessage replies owed for every update sent so far
    std::uint64_t received = 0;    // sendMessage replies seen (and checked) so far
    std::string tracking;          // the last tracking number this chat was given
    bool in_flight = false;        // an update of this chat is on the wire
    bool broken = false;           // a non-200 or a lost connection: no longer driven or checked
};

class dialog_script {
public:
    // Reads the reply markers from a locale file (config/demo/locales/en.json);
    // throws std::runtime_error naming the file and key when one is missing.
    static dialog_script from_locale_file(std::string const& path);

    // The text chat `c` sends at its current step (appended to `out`).
    void text_of_step(chat const& c, std::string& out) const;
    static bool is_command(chat const& c) { return c.pos == 0; }
    static unsigned replies_of_step(unsigned pos);
    static std::string_view step_name(unsigned pos);
    // After the update of the current step was answered 200.
    static void advance(chat& c);

    // Checks the next sendMessage text that chat `c` received. Empty when it is
    // the one owed next; otherwise what is wrong (missing, extra, out of order).
    std::string check(chat& c, std::string_view text) const;

private:
    std::array<std::string, replies_per_cycle> markers_;
};

// A Telegram Update with a private text message, shaped like Telegram's own.
void write_update_json(std::string& out, std::uint64_t update_id, chat const& c, std::int64_t unix_date,
                       std::string_view text, bool command);

}  // namespace pg::bench
