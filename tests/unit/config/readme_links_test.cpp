// The documents a clone ships: every relative link in them leads to a file of
// the clone (README.md once linked ../shared/DESIGN.md, outside the repository).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

// The targets of inline Markdown links and images, "[text](target)", outside code spans.
std::vector<std::string> link_targets(std::string const& text)
{
    std::vector<std::string> out;
    bool in_fence = false;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (line.find("```") != std::string::npos) {
            in_fence = !in_fence;
            continue;
        }
        if (in_fence)
            continue;
        for (auto at = line.find("]("); at != std::string::npos; at = line.find("](", at + 2)) {
            auto const end = line.find(')', at + 2);
            if (end == std::string::npos)
                break;
            auto target = line.substr(at + 2, end - at - 2);
            if (auto const space = target.find(' '); space != std::string::npos)
                target.erase(space);  // [text](path "title")
            out.push_back(target);
        }
    }
    return out;
}

bool is_relative(std::string const& target)
{
    return !target.empty() && target.find("://") == std::string::npos && !target.starts_with("mailto:") &&
           !target.starts_with('#') && !target.starts_with('/');
}

TEST(docs, every_relative_link_leads_to_a_file_in_the_repository)
{
    fs::path const root = fs::weakly_canonical(PG_SOURCE_DIR);
    for (auto const* doc : {"README.md", "bench/README.md", "tests/fuzz/README.md"}) {
        auto const file = root / doc;
        std::ifstream in(file);
        ASSERT_TRUE(in) << file;
        std::stringstream text;
        text << in.rdbuf();
        for (auto target : link_targets(text.str())) {
            if (!is_relative(target))
                continue;
            if (auto const hash = target.find('#'); hash != std::string::npos)
                target.erase(hash);
            auto const resolved = fs::weakly_canonical(file.parent_path() / target);
            EXPECT_TRUE(fs::exists(resolved)) << doc << ": link " << target << ": no such file";
            auto const rel = resolved.lexically_relative(root);
            EXPECT_FALSE(rel.empty() || rel.begin()->string() == "..")
                << doc << ": link " << target << ": outside the repository";
        }
    }
}

}  // namespace
