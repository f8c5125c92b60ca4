#include "services/appointments/store/redis_catalog_repository.h"

#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "services/appointments/domain/catalog_json.h"
#include "services/appointments/domain/search_text.h"
#include "services/appointments/store/lua/scripts.h"
#include "services/common/strings.h"

namespace stadt::appointments {
namespace {

constexpr char kPrefix[] = "appt:{catalog}:";

std::string OfficeKey(std::string_view id) { return absl::StrCat(kPrefix, "office:", ToAbsl(id)); }
std::string ServiceKey(std::string_view id) {
  return absl::StrCat(kPrefix, "service:", ToAbsl(id));
}
std::string AllOfficesKey() { return absl::StrCat(kPrefix, "offices"); }
// Districts are indexed by their folded name (FoldForSearch), so "mitte",
// "MITTE" and "Mitte" find one index. (Indexes `district:<name as written>`
// of earlier versions are no longer read.)
std::string DistrictIndexPrefix() { return absl::StrCat(kPrefix, "district-key:"); }
std::string DistrictKey(std::string_view district) {
  return absl::StrCat(DistrictIndexPrefix(), FoldForSearch(district));
}
// Which district index each office is in, to leave it when the office moves.
std::string OfficeDistrictsKey() { return absl::StrCat(kPrefix, "office-district"); }
std::string SeededKey() { return absl::StrCat(kPrefix, "seeded"); }

// Replaces an office and moves it between district indexes in one step, so a
// reader never sees it in two districts or in none.
// KEYS: office key, all-offices index, new district index, office -> district
//       key hash.
// ARGV: office id, office JSON, new district key (folded), district index
//       prefix.
const redis::Script& PutOfficeScript() {
  static const redis::Script* script = new redis::Script(std::string(kPutOfficeLua));
  return *script;
}

// Applies the seed unless this version of it was applied before; one script,
// so two replicas starting at once cannot interleave. Offices that move to
// another district leave their old district index.
// KEYS: marker, all-offices index, office -> district key hash.
// ARGV: key prefix, version, service count, then (id, json) per service, then
//       (id, district key (folded), json) per office.
const redis::Script& SeedScript() {
  static const redis::Script* script = new redis::Script(std::string(kSeedCatalogLua));
  return *script;
}

absl::StatusOr<Office> DecodeOffice(const std::string& text) {
  boost::system::error_code error;
  boost::json::value json = boost::json::parse(text, error);
  if (error) return absl::InternalError("corrupt office record");
  absl::StatusOr<Office> office = OfficeFromJson(json);
  if (!office.ok()) return absl::InternalError("corrupt office record");
  return office;
}

absl::StatusOr<ServiceType> DecodeService(const std::string& text) {
  boost::system::error_code error;
  boost::json::value json = boost::json::parse(text, error);
  if (error) return absl::InternalError("corrupt service record");
  absl::StatusOr<ServiceType> service = ServiceTypeFromJson(json);
  if (!service.ok()) return absl::InternalError("corrupt service record");
  return service;
}

}  // namespace

absl::StatusOr<std::vector<Office>> RedisCatalogRepository::ListOffices(const std::string& district,
                                                                        const std::string& after_id,
                                                                        int limit) {
  const std::string index = district.empty() ? AllOfficesKey() : DistrictKey(district);
  const std::string min = after_id.empty() ? "-" : absl::StrCat("(", after_id);
  absl::StatusOr<redis::Reply> ids =
      redis_.Command({"ZRANGE", index, min, "+", "BYLEX", "LIMIT", "0", absl::StrCat(limit)});
  if (!ids.ok()) return ids.status();
  std::vector<Office> offices;
  if (ids->elements.empty()) return offices;
  std::vector<std::string> mget = {"MGET"};
  for (const redis::Reply& id : ids->elements) mget.push_back(OfficeKey(id.str));
  absl::StatusOr<redis::Reply> records = redis_.Command(mget);
  if (!records.ok()) return records.status();
  for (const redis::Reply& record : records->elements) {
    if (record.IsNil()) continue;  // Removed between the two reads.
    absl::StatusOr<Office> office = DecodeOffice(record.str);
    if (!office.ok()) return office.status();
    offices.push_back(*std::move(office));
  }
  return offices;
}

absl::StatusOr<Office> RedisCatalogRepository::GetOffice(const std::string& office_id) {
  absl::StatusOr<redis::Reply> record = redis_.Command({"GET", OfficeKey(office_id)});
  if (!record.ok()) return record.status();
  if (record->IsNil()) return OfficeNotFound();
  return DecodeOffice(record->str);
}

absl::StatusOr<std::vector<ServiceType>> RedisCatalogRepository::GetServices(
    const std::vector<std::string>& service_ids) {
  std::vector<ServiceType> services;
  if (service_ids.empty()) return services;
  std::vector<std::string> mget = {"MGET"};
  for (const std::string& id : service_ids) mget.push_back(ServiceKey(id));
  absl::StatusOr<redis::Reply> records = redis_.Command(mget);
  if (!records.ok()) return records.status();
  for (const redis::Reply& record : records->elements) {
    if (record.IsNil()) continue;
    absl::StatusOr<ServiceType> service = DecodeService(record.str);
    if (!service.ok()) return service.status();
    services.push_back(*std::move(service));
  }
  return services;
}

absl::Status RedisCatalogRepository::PutOffice(const Office& office) {
  absl::StatusOr<redis::Reply> reply = redis_.Eval(
      PutOfficeScript(),
      {OfficeKey(office.id), AllOfficesKey(), DistrictKey(office.district), OfficeDistrictsKey()},
      {office.id, boost::json::serialize(OfficeToJson(office)), FoldForSearch(office.district),
       DistrictIndexPrefix()});
  return reply.status();
}

absl::StatusOr<bool> RedisCatalogRepository::ApplySeed(const Catalog& catalog,
                                                       const std::string& version) {
  std::vector<std::string> args = {kPrefix, version, absl::StrCat(catalog.services.size())};
  for (const ServiceType& service : catalog.services) {
    args.push_back(service.id);
    args.push_back(boost::json::serialize(ServiceTypeToJson(service)));
  }
  for (const Office& office : catalog.offices) {
    args.push_back(office.id);
    args.push_back(FoldForSearch(office.district));
    args.push_back(boost::json::serialize(OfficeToJson(office)));
  }
  absl::StatusOr<redis::Reply> reply =
      redis_.Eval(SeedScript(), {SeededKey(), AllOfficesKey(), OfficeDistrictsKey()}, args);
  if (!reply.ok()) return reply.status();
  return reply->integer == 1;
}

}  // namespace stadt::appointments
