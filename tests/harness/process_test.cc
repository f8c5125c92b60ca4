#include "tests/harness/process.h"

#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace stadt::testing {
namespace {

// A service left behind by a killed test once held the build lock's descriptor, which its test
// had inherited, and stalled every build until it was found. Children get stdin, stdout and
// stderr only.
TEST(SubprocessTest, AChildInheritsNoDescriptorButItsStandardStreams) {
  int pipe_ends[2];
  ASSERT_EQ(pipe2(pipe_ends, 0), 0);  // deliberately without O_CLOEXEC, like flock's descriptor
  const std::string log = ::testing::TempDir() + "/subprocess_descriptor_test.log";
  const std::string probe =
      absl::StrCat("test -e /proc/self/fd/", pipe_ends[0], " || test -e /proc/self/fd/",
                   pipe_ends[1], " && exit 7; exit 0");
  absl::StatusOr<std::unique_ptr<Subprocess>> child =
      Subprocess::Start("/bin/sh", {"-c", probe}, {}, log);
  ASSERT_TRUE(child.ok()) << child.status();
  EXPECT_EQ((*child)->Wait(), 0) << "the child saw the test's pipe";
  close(pipe_ends[0]);
  close(pipe_ends[1]);
}

TEST(SubprocessTest, TheChildsExitCodeIsReported) {
  const std::string log = ::testing::TempDir() + "/subprocess_exit_test.log";
  absl::StatusOr<std::unique_ptr<Subprocess>> child =
      Subprocess::Start("/bin/sh", {"-c", "exit 3"}, {}, log);
  ASSERT_TRUE(child.ok()) << child.status();
  EXPECT_EQ((*child)->Wait(), 3);
}

}  // namespace
}  // namespace stadt::testing
