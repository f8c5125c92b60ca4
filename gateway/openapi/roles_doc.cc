#include "gateway/openapi/roles_doc.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/strings.h"
#include "stadt/api/v1/annotations.pb.h"

namespace stadt::gateway {
namespace {

namespace pb = google::protobuf;

std::string RoleTable() {
  std::string out =
      "| Rolle im Token / role in the token | Deutsch | English | Scope | Aufgaben / duties |\n"
      "|---|---|---|---|---|\n";
  const pb::EnumDescriptor& roles = *api::v1::Role_descriptor();
  for (int i = 0; i < roles.value_count(); ++i) {
    const pb::EnumValueDescriptor& value = *roles.value(i);
    if (value.number() == api::v1::ROLE_UNSPECIFIED) continue;
    const api::v1::RoleDoc& doc = value.options().GetExtension(api::v1::role_doc);
    std::string scope =
        doc.scope().empty() ? "stadtweit / city-wide" : absl::StrCat("`", doc.scope(), ":<id>`");
    if (value.number() == api::v1::ROLE_CITIZEN) scope = "nur eigene Daten / own data only";
    absl::StrAppend(&out, "| `", RoleName(value), "` | ", doc.de(), " | ", doc.en(), " | ", scope,
                    " | ", doc.duties(), " |\n");
  }
  return out;
}

std::string Access(const Route& route) {
  if (route.allow_anonymous) return "alle / anyone";
  if (route.roles.empty()) return "jede Anmeldung / any signed-in caller";
  std::vector<std::string> roles;
  for (const std::string& role : route.roles) roles.push_back(absl::StrCat("`", role, "`"));
  return absl::StrJoin(roles, ", ");
}

std::string Scope(const Route& route) {
  if (route.scope.empty()) return "";
  const std::string where =
      route.scope_segment >= 0
          ? absl::StrCat("Pfad / path `{",
                         route.segments[static_cast<size_t>(route.scope_segment)].field_path, "}`")
          : "Objekt / object";
  return absl::StrCat("`", route.scope, "` (", where, ")");
}

std::string RouteTableMarkdown(const RouteTable& table) {
  std::vector<const Route*> routes;
  for (const Route& route : table.routes()) routes.push_back(&route);
  std::sort(routes.begin(), routes.end(), [](const Route* a, const Route* b) {
    return std::tie(a->path_template, a->http_method) < std::tie(b->path_template, b->http_method);
  });
  std::string out =
      "| Route | RPC | Rollen / roles | Scope (geprüft am / checked at) |\n|---|---|---|---|\n";
  for (const Route* route : routes) {
    absl::StrAppend(&out, "| `", route->http_method, " ", route->path_template, "` | `",
                    route->method->service()->name(), ".", route->method->name(), "` | ",
                    Access(*route), " | ", Scope(*route), " |\n");
  }
  return out;
}

}  // namespace

std::string RolesMarkdown(const RouteTable& table) {
  return absl::StrCat("\n### Rollen / roles\n\n", RoleTable(),
                      "\n### Routen / routes\n\n"
                      "Scope \"Pfad\": the gateway checks the token's scope for the id in the path "
                      "before the call, and the service again; \"Objekt\": the service checks it "
                      "against the object it loads.\n\n",
                      RouteTableMarkdown(table), "\n");
}

absl::StatusOr<std::string> ReplaceGeneratedPart(std::string_view document,
                                                 std::string_view generated) {
  const size_t begin = document.find(kRolesDocBegin);
  const size_t end = document.find(kRolesDocEnd);
  if (begin == std::string_view::npos || end == std::string_view::npos || end < begin) {
    return absl::InvalidArgumentError("docs/roles.md: the generated part's markers are missing");
  }
  const size_t after_begin = begin + kRolesDocBegin.size();
  return absl::StrCat(ToAbsl(document.substr(0, after_begin)), ToAbsl(generated),
                      ToAbsl(document.substr(end)));
}

}  // namespace stadt::gateway
