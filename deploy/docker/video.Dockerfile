# The video-consultation service (stadt-video). Build from the repository root:
#   docker build -f deploy/docker/video.Dockerfile -t REGISTRY/stadt-video:VERSION .
# See deploy/README.md for pushing and for the tag the manifests expect.
# Made from appointments.Dockerfile; differs in the target, the seed file and the time
# zone data. The keys (VIDEO_SECRET_KEY, VIDEO_JITSI_APP_SECRET) are never in the
# image: Kubernetes passes them from the Secret stadt-video-keys.

# ---- build: the same Debian 12 toolchain and -dev packages as deploy/setup.sh
FROM debian:12 AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config \
      libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler \
      libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev \
      libhiredis-dev libssl-dev libhowardhinnant-date-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt ./
COPY cmake cmake
COPY proto proto
COPY services services
COPY gateway gateway
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTADT_BUILD_TESTS=OFF \
 && cmake --build /build --target stadt-video \
 && strip --strip-debug -o /stadt-video /build/services/video/stadt-video

# ---- runtime: slim Debian 12 with only the shared libraries the binary links
# (list derived with `ldd` on the built binary, mapped to packages with `dpkg -S`;
# libc6, libstdc++6 and libgcc-s1 are already in the slim image). tzdata is
# installed explicitly: availability is local time in VIDEO_TIME_ZONE (Europe/Berlin),
# which Abseil reads from the system tz database at start, and the service refuses to
# start without it.
FROM debian:12-slim AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libgrpc++1.51 libgrpc29 libprotobuf32 libabsl20220623 libre2-9 libc-ares2 zlib1g \
      libssl3 libboost-json1.81.0 libhiredis0.14 tzdata \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /stadt-video /usr/local/bin/stadt-video
# Fail the image build, not the rollout, when a runtime library is missing.
RUN if ldd /usr/local/bin/stadt-video | grep 'not found'; then exit 1; fi
# The demo catalog; Kubernetes mounts the city's own catalog from a ConfigMap instead.
COPY services/video/seed/catalog.json /usr/share/stadt/video/catalog.json
COPY services/video/seed/consent_texts.json /usr/share/stadt/video/consent_texts.json
# A numeric user so that Kubernetes' runAsNonRoot can verify it without /etc/passwd.
USER 65532:65532
ENV VIDEO_GRPC_ADDRESS=0.0.0.0:50052 \
    VIDEO_SEED_FILE=/usr/share/stadt/video/catalog.json \
    VIDEO_CONSENT_TEXTS_FILE=/usr/share/stadt/video/consent_texts.json
EXPOSE 50052
ENTRYPOINT ["/usr/local/bin/stadt-video"]
