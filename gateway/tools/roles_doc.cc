// stadt-roles-doc DOC: rewrites the generated part of docs/roles.md (the roles
// and every route's roles and scope) from the proto options compiled into the
// gateway. The test RolesDocTest.CommittedDocumentIsCurrent fails until it is run
// after a change to a route's roles.
#include "gateway/openapi/roles_doc.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "gateway/core/linked_apis.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: stadt-roles-doc docs/roles.md\n";
    return 2;
  }
  std::vector<const google::protobuf::ServiceDescriptor*> services;
  for (const stadt::gateway::LinkedApi& api : stadt::gateway::LinkedApis()) {
    services.push_back(api.service);
  }
  absl::StatusOr<stadt::gateway::RouteTable> table = stadt::gateway::RouteTable::Build(services);
  if (!table.ok()) {
    std::cerr << "route table: " << table.status().message() << "\n";
    return 1;
  }
  std::stringstream current;
  current << std::ifstream(argv[1]).rdbuf();
  absl::StatusOr<std::string> updated =
      stadt::gateway::ReplaceGeneratedPart(current.str(), stadt::gateway::RolesMarkdown(*table));
  if (!updated.ok()) {
    std::cerr << updated.status().message() << "\n";
    return 1;
  }
  std::ofstream(argv[1]) << *updated;
  std::cout << argv[1] << " rewritten\n";
  return 0;
}
