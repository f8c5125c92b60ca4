#include "services/video/domain/visit.h"

#include <array>
#include <utility>

namespace stadt::video {
namespace {

constexpr std::array<std::pair<VisitState, std::string_view>, 6> kNames = {{
    {VisitState::kBooked, "booked"},
    {VisitState::kConsented, "consented"},
    {VisitState::kWaiting, "waiting"},
    {VisitState::kAdmitted, "admitted"},
    {VisitState::kClosed, "closed"},
    {VisitState::kNoShow, "no-show"},
}};

}  // namespace

std::string_view VisitStateName(VisitState state) {
  for (const auto& [value, name] : kNames) {
    if (value == state) return name;
  }
  return "booked";
}

VisitState VisitStateFromName(std::string_view name) {
  for (const auto& [value, text] : kNames) {
    if (text == name) return value;
  }
  return VisitState::kBooked;
}

}  // namespace stadt::video
