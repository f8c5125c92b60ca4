#pragma once

#include <string>

namespace stadt::notifications {

// Names for the ids an outbox event carries, so a mail says "Bürgerbüro Mitte,
// Eberhardstr. 39, 70173 Stuttgart" and "Personalausweis" rather than "mitte"
// and "id-card". Thread-safe.
class Places {
 public:
  virtual ~Places() = default;
  // The office's name and address; "" when unknown (the mail shows the id).
  virtual std::string OfficeLabel(const std::string& office_id) const = 0;
  // The service's name; "" when unknown.
  virtual std::string ServiceName(const std::string& service_id) const = 0;
};

}  // namespace stadt::notifications
