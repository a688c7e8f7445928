#pragma once
// The citizen dialog's data: categories, limits, deadlines and texts. Loaded by
// config/ from the flow and locale files; read by dialog/.
#include <cstddef>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace pg::model {

struct category {
    std::string id;                             // "roads"; "other" must exist
    std::string department;                     // default department for routing
    int deadline_days = 0;                      // answer deadline; 0: the flow's default
    int response_days = 0;                      // first-response deadline; 0: the flow's default
    std::map<std::string, std::string> labels;  // locale code -> label
};

// Guided drafting (flow "drafting"): extra questions after the description and
// place, and a check for several requests in one description. All off when absent.
struct drafting {
    bool since = false;            // ask "since when" (a short text, or skip)
    bool outcome = false;          // ask "what outcome do you want" (a short text, or skip)
    bool split = false;            // suggest a split when the description lists several requests
    std::size_t answer_max = 200;  // characters of a since/outcome answer
};

// Possible duplicates offered before filing (flow "duplicates"; off when absent):
// open petitions of the same category filed in the last `days` days, with map
// points within `distance_m` metres or the same place text.
struct duplicates {
    bool enabled = false;
    int days = 30;
    double distance_m = 300;
};

struct flow {
    std::string default_language = "en";
    std::size_t description_min = 20;        // characters (code points)
    std::size_t description_max = 1000;
    std::size_t description_concise = 0;     // longer descriptions get a hint to be concise; 0: none
    std::size_t location_max = 300;
    std::size_t max_photos = 5;
    int deadline_days = 15;                  // answer deadline, days (calendar or working, per config)
    int response_days = 3;                   // first-response (acceptance) deadline, days
    std::size_t remembered_petitions = 20;   // tracking numbers kept per conversation
    std::vector<category> categories;
    struct drafting drafting;
    struct duplicates duplicates;
};

struct locale {
    std::string code;                  // "zh-CN"
    std::string name;                  // "中文", shown in the language menu
    std::vector<std::string> matches;  // client language prefixes that pick it: "zh"
    std::unordered_map<std::string, std::string> texts;  // key -> text with {placeholders}
};

struct dialog_data {
    flow citizen;
    std::vector<locale> locales;  // the first is the fallback
};

}  // namespace pg::model
