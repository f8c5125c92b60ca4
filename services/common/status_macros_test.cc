#include "services/common/status_macros.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"

namespace stadt {
namespace {

absl::StatusOr<int> Parse(const std::string& text) {
  if (text.empty()) return absl::InvalidArgumentError("empty");
  return static_cast<int>(text.size());
}

absl::StatusOr<int> SumOfLengths(const std::string& a, const std::string& b) {
  STADT_ASSIGN_OR_RETURN(const int first, Parse(a));
  STADT_ASSIGN_OR_RETURN(const int second, Parse(b));  // two on one scope: distinct names
  return first + second;
}

absl::StatusOr<std::unique_ptr<int>> Boxed(int value) {
  if (value < 0) return absl::OutOfRangeError("negative");
  return std::make_unique<int>(value);
}

absl::StatusOr<int> Unbox(int value) {
  std::unique_ptr<int> box;
  STADT_ASSIGN_OR_RETURN(box, Boxed(value));  // assigns an existing, move-only variable
  return *box;
}

absl::Status Check(const std::string& text) {
  STADT_RETURN_IF_ERROR(Parse(text).status());
  return absl::OkStatus();
}

TEST(StatusMacrosTest, AssignOrReturnPassesTheValueOn) {
  EXPECT_EQ(SumOfLengths("ab", "cde").value(), 5);
  EXPECT_EQ(Unbox(7).value(), 7);
}

TEST(StatusMacrosTest, AssignOrReturnReturnsTheFirstErrorUnchanged) {
  EXPECT_EQ(SumOfLengths("", "x").status(), absl::InvalidArgumentError("empty"));
  EXPECT_EQ(SumOfLengths("x", "").status(), absl::InvalidArgumentError("empty"));
  EXPECT_EQ(Unbox(-1).status(), absl::OutOfRangeError("negative"));
}

TEST(StatusMacrosTest, ReturnIfErrorReturnsOnlyErrors) {
  EXPECT_TRUE(Check("x").ok());
  EXPECT_EQ(Check(""), absl::InvalidArgumentError("empty"));
}

}  // namespace
}  // namespace stadt
