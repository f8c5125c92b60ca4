#pragma once

#include <string>
#include <vector>

#include "services/daycare/domain/model.h"
#include "services/daycare/domain/season_types.h"

namespace stadt::daycare::season {

// Where the application stands, from its offer and whether it was withdrawn.
// `rounds`: how many rounds the season has published.
ApplicationState StateOf(const Application& application, const Offer& offer, uint32_t rounds);

// The state in words for the guardian, in German or English: the offer with
// its deadline, the place held, a declined or expired offer (never "has a
// place" after declining), or the rank on each wished program's waiting list
// after the last round. Programs are named by their name (their id without).
std::string DescribeStatus(const ApplicationView& view, const std::vector<Program>& programs,
                           Language language);

// Which claimed criteria count (verified), which are not yet verified and
// which were rejected, in words; "" without claimed criteria.
std::string DescribeCriteria(const std::vector<CriterionView>& criteria, Language language);

}  // namespace stadt::daycare::season
