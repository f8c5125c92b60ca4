#!/usr/bin/env python3
"""Connections under pressure: one address holds many keep-alive connections
while new clients from other addresses arrive.

    bench/gateway/connections.py PORT [HOLDERS] [NEWCOMERS]

HOLDERS (1,100) keep-alive connections from 127.0.0.1 each send GET /healthz
every 8 s; meanwhile NEWCOMERS (200) clients, each from its own loopback
address (127.0.1.x, 127.0.2.x, ...), connect once and send one request. Prints
how many holders the gateway kept, how many newcomers it served, and the
newcomers' latency (connect to full answer) at p50 / p99.
"""
import asyncio
import sys
import time

REQUEST = b"GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n"


async def exchange(reader, writer):
    writer.write(REQUEST)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    await reader.readexactly(length)
    return head.startswith(b"HTTP/1.1 200")


async def holder(port, alive, stop):
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while not stop.is_set():
            if not await exchange(reader, writer):
                return
            alive[0] += 1
            try:
                await asyncio.wait_for(stop.wait(), 8)
            except asyncio.TimeoutError:
                pass
            alive[0] -= 1
        writer.close()
    except (OSError, asyncio.IncompleteReadError):
        pass


async def newcomer(port, index, results):
    source = f"127.0.{1 + index // 250}.{1 + index % 250}"
    start = time.perf_counter()
    try:
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", port, local_addr=(source, 0))
        ok = await asyncio.wait_for(exchange(reader, writer), 10)
        writer.close()
    except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError):
        ok = False
    results.append((ok, time.perf_counter() - start))


async def main():
    port = int(sys.argv[1])
    holders = int(sys.argv[2]) if len(sys.argv) > 2 else 1100
    newcomers = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    alive = [0]
    stop = asyncio.Event()
    tasks = [asyncio.create_task(holder(port, alive, stop)) for _ in range(holders)]
    await asyncio.sleep(3)  # let the holders connect and settle
    kept = alive[0]
    results = []
    for i in range(newcomers):  # one every 10 ms, while the holders stay
        asyncio.create_task(newcomer(port, i, results))
        await asyncio.sleep(0.01)
    while len(results) < newcomers:
        await asyncio.sleep(0.05)
    kept_after = alive[0]
    stop.set()
    await asyncio.gather(*tasks)
    served = sorted(t for ok, t in results if ok)
    print(f"== holders from 127.0.0.1: {holders} tried, {kept} kept before the newcomers, "
          f"{kept_after} after")
    print(f"== newcomers from other addresses: {len(served)} of {newcomers} served")
    if served:
        p50 = served[len(served) // 2] * 1000
        p99 = served[min(len(served) - 1, int(len(served) * 0.99))] * 1000
        print(f"== newcomer latency (connect + answer): p50 {p50:.1f} ms, p99 {p99:.1f} ms")


asyncio.run(main())
