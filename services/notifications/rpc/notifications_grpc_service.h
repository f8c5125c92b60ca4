#pragma once

#include "services/notifications/domain/dead_letters.h"
#include "stadt/notifications/v1/notifications.grpc.pb.h"

namespace stadt::notifications {

// The operators' routes over gRPC: dead letters listed and replayed. Roles
// are checked by the gateway (the proto's route options). Every call blocks on
// Redis: NotificationsReactorService serves them with gRPC's callback API on a
// bounded pool (services/common/grpc_reactor.h).
class NotificationsGrpcService final {
 public:
  explicit NotificationsGrpcService(DeadLetters& dead_letters) : dead_letters_(dead_letters) {}

  grpc::Status ListDeadLetters(grpc::ServerContextBase* context,
                               const v1::ListDeadLettersRequest* request,
                               v1::ListDeadLettersResponse* response);
  grpc::Status ReplayDeadLetter(grpc::ServerContextBase* context,
                                const v1::ReplayDeadLetterRequest* request,
                                v1::DeadLetter* response);

  // Internal (the privacy service): erases the queued and dead mails that name
  // one of the request's references. (Its export has nothing of its own: the
  // queued mails are the services' events, sealed, and they export those.)
  grpc::Status ErasePersonalData(grpc::ServerContextBase* context,
                                 const type::v1::PersonalDataRequest* request,
                                 type::v1::ErasureReport* response);

 private:
  DeadLetters& dead_letters_;
};

}  // namespace stadt::notifications
