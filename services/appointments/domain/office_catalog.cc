#include "services/appointments/domain/office_catalog.h"

#include <map>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/appointments/domain/search_text.h"
#include "services/common/reason.h"
#include "services/common/status_macros.h"

namespace stadt::appointments {
namespace {

constexpr char kPageTokenPrefix[] = "o1:";

absl::Status CheckOfficeId(const std::string& office_id) {
  if (!booking::IsValidId(office_id)) {
    return WithReason(absl::InvalidArgumentError("office_id: must be 1-64 of a-z, 0-9 and '-'"),
                      "invalid_office_id");
  }
  return absl::OkStatus();
}

}  // namespace

std::string EncodePageToken(const std::string& last_id) {
  return absl::WebSafeBase64Escape(absl::StrCat(kPageTokenPrefix, last_id));
}

absl::StatusOr<std::string> DecodePageToken(const std::string& token) {
  std::string decoded;
  if (!absl::WebSafeBase64Unescape(token, &decoded) || !decoded.starts_with(kPageTokenPrefix)) {
    return WithReason(absl::InvalidArgumentError("page_token: not a token this service issued"),
                      "page_cursor_invalid");
  }
  std::string last_id = decoded.substr(sizeof(kPageTokenPrefix) - 1);
  if (!booking::IsValidId(last_id)) {
    return WithReason(absl::InvalidArgumentError("page_token: not a token this service issued"),
                      "page_cursor_invalid");
  }
  return last_id;
}

absl::StatusOr<OfficePage> OfficeCatalog::ListOffices(const ListOfficesQuery& query) {
  if (query.page_size < 0 || query.page_size > kMaxPageSize) {
    return WithReason(
        absl::InvalidArgumentError(absl::StrCat("page_size: must be 0 to ", kMaxPageSize)),
        "invalid_page_size");
  }
  if (query.district.size() > 100) {
    return WithReason(absl::InvalidArgumentError("district: too long"), "district_too_long");
  }
  std::string after_id;
  if (!query.page_token.empty()) {
    absl::StatusOr<std::string> decoded = DecodePageToken(query.page_token);
    if (!decoded.ok()) return decoded.status();
    after_id = *decoded;
  }
  std::string language;
  if (!query.language.empty()) {
    absl::StatusOr<std::string> parsed = ParseLanguageFilter(query.language);
    if (!parsed.ok()) return parsed.status();
    language = *std::move(parsed);
  }
  const int page_size = query.page_size == 0 ? kDefaultPageSize : query.page_size;
  OfficePage page;
  // One extra row tells whether another page follows.
  absl::StatusOr<std::vector<Office>> offices =
      language.empty() ? repository_.ListOffices(query.district, after_id, page_size + 1)
                       : OfficesSpeaking(query.district, language, after_id, page_size + 1);
  if (!offices.ok()) return offices.status();
  page.offices = *std::move(offices);
  if (static_cast<int>(page.offices.size()) > page_size) {
    page.offices.resize(page_size);
    page.next_page_token = EncodePageToken(page.offices.back().id);
  }
  return page;
}

// The repository filters by district only: read on, page by page, until
// `wanted` offices speak the language or there are no more.
absl::StatusOr<std::vector<Office>> OfficeCatalog::OfficesSpeaking(const std::string& district,
                                                                   const std::string& language,
                                                                   std::string after_id,
                                                                   int wanted) {
  std::vector<Office> speaking;
  while (static_cast<int>(speaking.size()) < wanted) {
    absl::StatusOr<std::vector<Office>> page =
        repository_.ListOffices(district, after_id, kMaxPageSize);
    if (!page.ok()) return page.status();
    if (page->empty()) break;
    after_id = page->back().id;
    const bool last_page = static_cast<int>(page->size()) < kMaxPageSize;
    for (Office& office : *page) {
      if (SpeaksLanguage(office, language) && static_cast<int>(speaking.size()) < wanted) {
        speaking.push_back(std::move(office));
      }
    }
    if (last_page) break;
  }
  return speaking;
}

absl::StatusOr<std::vector<DistrictEntry>> OfficeCatalog::ListDistricts() {
  std::map<std::string, DistrictEntry> by_key;
  std::string after_id;
  while (true) {
    absl::StatusOr<std::vector<Office>> page = repository_.ListOffices("", after_id, kMaxPageSize);
    if (!page.ok()) return page.status();
    for (const Office& office : *page) {
      DistrictEntry& entry = by_key[FoldForSearch(office.district)];
      if (entry.office_count++ == 0) entry.name = office.district;
    }
    if (static_cast<int>(page->size()) < kMaxPageSize) break;
    after_id = page->back().id;
  }
  std::vector<DistrictEntry> districts;
  districts.reserve(by_key.size());
  for (auto& [key, entry] : by_key) districts.push_back(std::move(entry));
  return districts;
}

absl::StatusOr<Office> OfficeCatalog::GetOffice(const std::string& office_id) {
  STADT_RETURN_IF_ERROR(CheckOfficeId(office_id));
  return repository_.ShowOffice(office_id);
}

std::optional<absl::StatusOr<Office>> OfficeCatalog::GetOfficeWithoutIo(
    const std::string& office_id) {
  if (absl::Status valid = CheckOfficeId(office_id); !valid.ok()) return valid;
  if (std::optional<Office> cached = repository_.ShowOfficeWithoutIo(office_id)) {
    return *std::move(cached);
  }
  return std::nullopt;
}

absl::StatusOr<std::vector<ServiceType>> OfficeCatalog::ListOfficeServices(
    const std::string& office_id) {
  absl::StatusOr<Office> office = GetOffice(office_id);
  if (!office.ok()) return office.status();
  return repository_.GetServices(office->service_ids);
}

absl::StatusOr<Office> OfficeCatalog::PutOffice(const Office& office) {
  STADT_RETURN_IF_ERROR(WithReason(ValidateOffice(office), "office_invalid"));
  absl::StatusOr<std::vector<ServiceType>> services = repository_.GetServices(office.service_ids);
  if (!services.ok()) return services.status();
  if (services->size() != office.service_ids.size()) {
    return WithReason(
        absl::InvalidArgumentError("service_ids: names a service the catalog does not define"),
        "office_invalid");
  }
  STADT_RETURN_IF_ERROR(repository_.PutOffice(office));
  return office;
}

}  // namespace stadt::appointments
