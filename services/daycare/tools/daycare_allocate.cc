// daycare_allocate [--policy POLICY.json] [--explain [--lang de|en]] INSTANCE.json
//
// Runs one allocation round (child-proposing deferred acceptance) on an instance file and
// writes the result as JSON to stdout; the explanations are German unless --lang en. Errors go to
// stderr, naming the offending field; the exit code is 2 for bad usage and 1 for a bad or
// unreadable input file.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "services/daycare/domain/allocation.h"
#include "services/daycare/domain/instance_json.h"

namespace {

using stadt::daycare::Allocator;
using stadt::daycare::Language;
using stadt::daycare::ParsedInstance;
using stadt::daycare::Policy;

constexpr char kUsage[] =
    "usage: daycare_allocate [--policy POLICY.json] [--explain [--lang de|en]] INSTANCE.json\n";

struct Options {
  std::string instance_path;
  std::optional<std::string> policy_path;
  bool explain = false;
  Language language = Language::kGerman;  // of the explanations
};

std::optional<Options> ParseArguments(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view argument = argv[i];
    if (argument == "--explain") {
      options.explain = true;
    } else if (argument == "--lang" && i + 1 < argc) {
      const std::string_view language = argv[++i];
      if (language != "de" && language != "en") return std::nullopt;
      options.language = language == "en" ? Language::kEnglish : Language::kGerman;
    } else if (argument == "--policy" && i + 1 < argc) {
      options.policy_path = argv[++i];
    } else if (argument.starts_with("-") || !options.instance_path.empty()) {
      return std::nullopt;
    } else {
      options.instance_path = std::string(argument);
    }
  }
  if (options.instance_path.empty()) return std::nullopt;
  return options;
}

// Read in one piece into a string of the file's size: through a stringstream the
// text of a city's instance was copied twice and held twice at the peak.
absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  if (!file) return absl::NotFoundError(absl::StrCat(path, ": cannot open file"));
  // A directory opens, but its "size" is no size to allocate.
  if (std::filesystem::is_directory(path)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": is a directory"));
  }
  const std::streamoff size = file.tellg();
  if (size < 0) return absl::DataLossError(absl::StrCat(path, ": read error"));
  std::string content(static_cast<size_t>(size), '\0');
  file.seekg(0);
  file.read(content.data(), size);
  if (file.gcount() != size) return absl::DataLossError(absl::StrCat(path, ": read error"));
  return content;
}

// The instance file mapped into memory read-only: the parser reads a city's 27 MB
// straight from the page cache instead of from a string that was first zeroed and
// then filled by copying (a tenth of a run). Kept until the process ends, like the
// allocator. nullopt when the file cannot be mapped (empty, not a regular file):
// ReadFile then reads it, or names what is wrong, as before.
std::optional<std::string_view> MapFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat status {};
  void* mapped = MAP_FAILED;
  if (fstat(fd, &status) == 0 && S_ISREG(status.st_mode) && status.st_size > 0) {
    mapped = mmap(nullptr, static_cast<size_t>(status.st_size), PROT_READ,
                  MAP_PRIVATE | MAP_POPULATE, fd, 0);
  }
  close(fd);
  if (mapped == MAP_FAILED) return std::nullopt;
  return std::string_view(static_cast<const char*>(mapped), static_cast<size_t>(status.st_size));
}

// The policy file wins over the instance's own "policy"; without either the defaults
// apply (10 choices, older child first, no criteria).
absl::StatusOr<Policy> ChoosePolicy(const Options& options, const ParsedInstance& parsed) {
  if (!options.policy_path) return parsed.policy.value_or(Policy{});
  absl::StatusOr<std::string> text = ReadFile(*options.policy_path);
  if (!text.ok()) return text.status();
  absl::StatusOr<Policy> policy = stadt::daycare::ParsePolicy(*text);
  if (!policy.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(*options.policy_path, ": ", policy.status().message()));
  }
  return policy;
}

// The allocator lives until the process ends: freeing a city's 100,000
// applications one by one cost more than writing the result, and the system takes
// the memory back at once. The pointer keeps it reachable for leak checkers.
const Allocator& KeepUntilExit(Allocator allocator) {
  static Allocator* kept = nullptr;
  kept = new Allocator(std::move(allocator));
  return *kept;
}

absl::StatusOr<std::string> Run(const Options& options) {
  std::optional<std::string_view> mapped = MapFile(options.instance_path);
  absl::StatusOr<std::string> read;
  if (!mapped) {
    read = ReadFile(options.instance_path);
    if (!read.ok()) return read.status();
  }
  const std::string_view text = mapped ? *mapped : std::string_view(*read);
  // The wishes go straight to the allocator: read as program indices.
  absl::StatusOr<ParsedInstance> parsed =
      stadt::daycare::ParseInstance(text, {.resolve_wishes = true});
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(options.instance_path, ": ", parsed.status().message()));
  }
  absl::StatusOr<Policy> policy = ChoosePolicy(options, *parsed);
  if (!policy.ok()) return policy.status();
  absl::StatusOr<Allocator> allocator =
      Allocator::Create(std::move(parsed->instance), *std::move(policy));
  if (!allocator.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(options.instance_path, ": ", allocator.status().message()));
  }
  const Allocator& kept = KeepUntilExit(*std::move(allocator));
  return stadt::daycare::ResultToJson(kept, kept.Run(), options.explain, options.language);
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<Options> options = ParseArguments(argc, argv);
  if (!options) {
    std::cerr << kUsage;
    return 2;
  }
  absl::StatusOr<std::string> output = Run(*options);
  if (!output.ok()) {
    std::cerr << "daycare_allocate: " << output.status().message() << "\n";
    return 1;
  }
  std::cout << *output << "\n";
  return std::cout.good() ? 0 : 1;
}
