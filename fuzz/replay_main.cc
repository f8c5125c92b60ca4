// Replays seed corpora through a fuzz target without libFuzzer, so the normal
// GCC and sanitizer builds run every committed input as a test:
//   <target>_fuzz_replay DIR_OR_FILE...
// Exits non-zero if an argument cannot be read or holds no input at all; a
// crash in the target fails the test the way it would fail the fuzzer.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;

// Regular files under `path` (or `path` itself), in a stable order so a
// failure names the same input on every run.
std::vector<fs::path> InputsUnder(const fs::path& path) {
  std::vector<fs::path> inputs;
  std::error_code error;
  if (fs::is_regular_file(path, error)) return {path};
  for (fs::recursive_directory_iterator it(path, error), end; !error && it != end;
       it.increment(error)) {
    if (it->is_regular_file()) inputs.push_back(it->path());
  }
  std::sort(inputs.begin(), inputs.end());
  return inputs;
}

bool Replay(const fs::path& input) {
  std::ifstream in(input, std::ios::binary);
  if (!in) {
    std::cerr << "cannot open " << input << "\n";
    return false;
  }
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // A copy of exactly `size` bytes, so ASan catches reads past the end as
  // libFuzzer's own buffers would.
  std::vector<uint8_t> buffer(bytes.begin(), bytes.end());
  LLVMFuzzerTestOneInput(buffer.data(), buffer.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: " << argv[0] << " CORPUS_DIR_OR_FILE...\n";
    return 2;
  }
  size_t replayed = 0;
  for (int i = 1; i < argc; ++i) {
    const std::vector<fs::path> inputs = InputsUnder(argv[i]);
    if (inputs.empty()) {
      std::cerr << "no inputs under " << argv[i] << "\n";
      return 1;
    }
    for (const fs::path& input : inputs) {
      if (!Replay(input)) return 1;
      ++replayed;
    }
  }
  std::cout << "replayed " << replayed << " inputs\n";
  return 0;
}
