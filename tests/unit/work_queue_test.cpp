#include "compress/work_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <random>
#include <thread>
#include <vector>

namespace rigz {
namespace {

using namespace std::chrono_literals;

TEST(BoundedQueue, FifoOrder) {
  BoundedQueue<int> q(10);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(q.push(i));
  for (int i = 0; i < 10; ++i) EXPECT_EQ(q.pop(), i);
  for (int round = 0; round < 100; ++round) {  // wraps around many times
    ASSERT_TRUE(q.push(round));
    ASSERT_TRUE(q.push(-round));
    EXPECT_EQ(q.pop(), round);
    EXPECT_EQ(q.pop(), -round);
  }
}

TEST(BoundedQueue, MoveOnlyItems) {
  BoundedQueue<std::unique_ptr<int>> q(2);
  ASSERT_TRUE(q.push(std::make_unique<int>(7)));
  auto got = q.pop();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(**got, 7);
}

TEST(BoundedQueue, PushBlocksWhileFull) {
  BoundedQueue<int> q(2);
  ASSERT_TRUE(q.push(1));
  ASSERT_TRUE(q.push(2));
  std::atomic<bool> pushed{false};
  std::thread t([&] {
    EXPECT_TRUE(q.push(3));
    pushed = true;
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(pushed.load()) << "push into a full queue returned";
  EXPECT_EQ(q.pop(), 1);
  t.join();
  EXPECT_TRUE(pushed.load());
  EXPECT_EQ(q.pop(), 2);
  EXPECT_EQ(q.pop(), 3);
}

TEST(BoundedQueue, PopBlocksWhileEmpty) {
  BoundedQueue<int> q(2);
  std::atomic<bool> popped{false};
  std::thread t([&] {
    EXPECT_EQ(q.pop(), 42);
    popped = true;
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(popped.load());
  ASSERT_TRUE(q.push(42));
  t.join();
  EXPECT_TRUE(popped.load());
}

TEST(BoundedQueue, CloseWakesBlockedPush) {
  BoundedQueue<int> q(1);
  ASSERT_TRUE(q.push(1));
  std::atomic<int> result{-1};
  std::thread t([&] { result = q.push(2) ? 1 : 0; });
  std::this_thread::sleep_for(30ms);
  EXPECT_EQ(result.load(), -1);
  q.close();
  t.join();
  EXPECT_EQ(result.load(), 0) << "push after close must fail";
  // What was queued before close still drains, then nothing.
  EXPECT_EQ(q.pop(), 1);
  EXPECT_EQ(q.pop(), std::nullopt);
}

TEST(BoundedQueue, CloseWakesBlockedPops) {
  BoundedQueue<int> q(4);
  std::vector<std::thread> ts;
  std::atomic<int> woke{0};
  for (int i = 0; i < 4; ++i)
    ts.emplace_back([&] {
      EXPECT_EQ(q.pop(), std::nullopt);
      ++woke;
    });
  std::this_thread::sleep_for(30ms);
  EXPECT_EQ(woke.load(), 0);
  q.close();
  for (auto& t : ts) t.join();
  EXPECT_EQ(woke.load(), 4);
}

TEST(BoundedQueue, PushAfterCloseFailsAndPopDrains) {
  BoundedQueue<int> q(4);
  ASSERT_TRUE(q.push(1));
  ASSERT_TRUE(q.push(2));
  q.close();
  EXPECT_FALSE(q.push(3));
  EXPECT_EQ(q.pop(), 1);
  EXPECT_EQ(q.pop(), 2);
  EXPECT_EQ(q.pop(), std::nullopt);
  EXPECT_EQ(q.pop(), std::nullopt);
}

TEST(BoundedQueue, PushFrontGoesFirstEvenWhenFull) {
  BoundedQueue<int> q(2);
  ASSERT_TRUE(q.push(1));
  ASSERT_TRUE(q.push(2));
  ASSERT_TRUE(q.push_front(0));  // past the capacity: it does not wait
  EXPECT_EQ(q.pop(), 0);
  EXPECT_EQ(q.pop(), 1);
  q.close();
  EXPECT_FALSE(q.push_front(9));
  EXPECT_EQ(q.pop(), 2);
  EXPECT_EQ(q.pop(), std::nullopt);
}

TEST(BoundedQueue, MultiProducerMultiConsumerStress) {
  constexpr int kProducers = 4, kConsumers = 4, kPerProducer = 20000;
  BoundedQueue<int> q(3);
  std::vector<std::atomic<int>> seen(kProducers * kPerProducer);
  std::vector<std::vector<int>> last_per_producer(kConsumers, std::vector<int>(kProducers, -1));
  std::atomic<bool> order_ok{true};
  std::vector<std::thread> producers, consumers;
  for (int p = 0; p < kProducers; ++p)
    producers.emplace_back([&, p] {
      for (int i = 0; i < kPerProducer; ++i) ASSERT_TRUE(q.push(p * kPerProducer + i));
    });
  for (int c = 0; c < kConsumers; ++c)
    consumers.emplace_back([&, c] {
      while (auto v = q.pop()) {
        seen[*v].fetch_add(1);
        // FIFO: each consumer sees each producer's items in increasing order.
        int p = *v / kPerProducer, i = *v % kPerProducer;
        if (i <= last_per_producer[c][p]) order_ok = false;
        last_per_producer[c][p] = i;
      }
    });
  for (auto& t : producers) t.join();
  q.close();
  for (auto& t : consumers) t.join();
  for (size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i].load(), 1) << i;
  EXPECT_TRUE(order_ok.load());
}

TEST(BoundedQueue, CloseDuringStressStopsEveryone) {
  BoundedQueue<int> q(2);
  std::vector<std::thread> ts;
  for (int p = 0; p < 3; ++p)
    ts.emplace_back([&] {
      for (int i = 0; q.push(i); ++i) {
      }
    });
  for (int c = 0; c < 3; ++c)
    ts.emplace_back([&] {
      while (q.pop()) {
      }
    });
  std::this_thread::sleep_for(20ms);
  q.close();
  for (auto& t : ts) t.join();  // hangs if close failed to wake someone
}

TEST(ReorderBuffer, InOrderPuts) {
  ReorderBuffer<int> r;
  for (int i = 0; i < 5; ++i) r.put(i, i * 10);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(r.take_next(), i * 10);
}

TEST(ReorderBuffer, ReadyNextSaysWhetherTakeWouldWait) {
  ReorderBuffer<int> r;
  EXPECT_FALSE(r.ready_next());
  r.put(1, 11);
  EXPECT_FALSE(r.ready_next());
  r.put(0, 10);
  EXPECT_TRUE(r.ready_next());
  EXPECT_EQ(r.take_next(), 10);
  EXPECT_TRUE(r.ready_next());
  EXPECT_EQ(r.take_next(), 11);
  EXPECT_FALSE(r.ready_next());
  r.close();
  EXPECT_TRUE(r.ready_next());  // take_next() returns at once, with nothing
}

TEST(ReorderBuffer, OutOfOrderPutsTakenInOrder) {
  ReorderBuffer<int> r;
  std::vector<uint64_t> order = {3, 1, 4, 0, 2, 7, 5, 6, 9, 8};
  for (uint64_t s : order) r.put(s, static_cast<int>(s) + 100);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(r.take_next(), i + 100);
}

TEST(ReorderBuffer, TakeWaitsForTheNextNumber) {
  ReorderBuffer<int> r;
  std::atomic<int> got{-1};
  std::thread t([&] {
    auto v = r.take_next();
    got = v ? *v : -2;
  });
  r.put(1, 11);
  r.put(2, 22);
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(got.load(), -1) << "took before number 0 was in";
  r.put(0, 0);
  t.join();
  EXPECT_EQ(got.load(), 0);
  EXPECT_EQ(r.take_next(), 11);
  EXPECT_EQ(r.take_next(), 22);
}

TEST(ReorderBuffer, CloseWakesWaiter) {
  ReorderBuffer<int> r;
  r.put(1, 1);  // not the next one
  std::atomic<int> state{0};
  std::thread t([&] {
    EXPECT_EQ(r.take_next(), std::nullopt);
    state = 1;
  });
  std::this_thread::sleep_for(30ms);
  EXPECT_EQ(state.load(), 0);
  r.close();
  t.join();
  EXPECT_EQ(state.load(), 1);
  EXPECT_EQ(r.take_next(), std::nullopt);
}

TEST(ReorderBuffer, MoveOnlyItems) {
  ReorderBuffer<std::unique_ptr<int>> r;
  r.put(1, std::make_unique<int>(1));
  r.put(0, std::make_unique<int>(0));
  EXPECT_EQ(**r.take_next(), 0);
  EXPECT_EQ(**r.take_next(), 1);
}

TEST(ReorderBuffer, StressManyPutters) {
  constexpr int kThreads = 6, kItems = 30000;
  ReorderBuffer<uint64_t> r;
  std::atomic<uint64_t> next_seq{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t)
    ts.emplace_back([&, t] {
      std::mt19937 rng(t);
      for (;;) {
        uint64_t s = next_seq.fetch_add(1);
        if (s >= kItems) return;
        if (rng() % 64 == 0) std::this_thread::yield();
        r.put(s, s * 3);
      }
    });
  for (uint64_t i = 0; i < kItems; ++i) {
    auto v = r.take_next();
    ASSERT_TRUE(v.has_value());
    ASSERT_EQ(*v, i * 3);
  }
  for (auto& t : ts) t.join();
}

TEST(ReorderBuffer, PipelineOfQueueAndReorderStress) {
  // The compressor's shape: a bounded job queue, workers finishing out of order, an ordered
  // taker, and a free list that bounds how far ahead the producer can run.
  constexpr int kWorkers = 4, kJobs = 20000, kSlots = 2 * kWorkers + 2;
  BoundedQueue<int> free_slots(kSlots), todo(kSlots);
  ReorderBuffer<std::pair<int, uint64_t>> done;
  for (int i = 0; i < kSlots; ++i) ASSERT_TRUE(free_slots.push(i));
  std::vector<uint64_t> slot_seq(kSlots);
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&, w] {
      std::mt19937 rng(w);
      while (auto slot = todo.pop()) {
        if (rng() % 16 == 0) std::this_thread::yield();
        done.put(slot_seq[*slot], {*slot, slot_seq[*slot]});
      }
    });
  std::thread producer([&] {
    for (uint64_t s = 0; s < kJobs; ++s) {
      auto slot = free_slots.pop();
      ASSERT_TRUE(slot.has_value());
      slot_seq[*slot] = s;
      ASSERT_TRUE(todo.push(*slot));
    }
    todo.close();
  });
  for (uint64_t s = 0; s < kJobs; ++s) {
    auto v = done.take_next();
    ASSERT_TRUE(v.has_value());
    ASSERT_EQ(v->second, s);
    ASSERT_TRUE(free_slots.push(v->first));
  }
  producer.join();
  for (auto& t : workers) t.join();
}

}  // namespace
}  // namespace rigz

namespace rigz {
namespace {

TEST(Noticeboard, WaitReturnsWhatWasPosted) {
  Noticeboard<int> board(4);
  board.post(3, 30);
  EXPECT_EQ(board.wait(3), 30);
  EXPECT_EQ(board.wait(3), 30);  // every reader of a number gets its value
}

TEST(Noticeboard, WaitBlocksUntilTheNumberIsPosted) {
  Noticeboard<int> board(4);
  std::atomic<bool> got{false};
  std::thread reader([&] {
    EXPECT_EQ(board.wait(2), 20);
    got = true;
  });
  board.post(1, 10);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(got.load());
  board.post(2, 20);
  reader.join();
  EXPECT_TRUE(got.load());
}

TEST(Noticeboard, CloseWakesWaiters) {
  Noticeboard<int> board(4);
  std::thread reader([&] { EXPECT_FALSE(board.wait(7).has_value()); });
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  board.close();
  reader.join();
}

TEST(Noticeboard, KeepsOnlyTheLatestNumbers) {
  // Bounded memory: older numbers go once more than `keep` are posted.
  Noticeboard<int> board(2);
  for (int k = 0; k < 5; ++k) board.post(k, k * 10);
  EXPECT_EQ(board.wait(3), 30);
  EXPECT_EQ(board.wait(4), 40);
  std::thread reader([&] { EXPECT_FALSE(board.wait(0).has_value()); });  // gone: waits until closed
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  board.close();
  reader.join();
}

// Takes a fresh task and checks that it is one.
int take_fresh(LookaheadQueue<int>& q) {
  auto task = q.pop();
  EXPECT_TRUE(task && !task->looked_at);
  return task ? task->item : -1;
}

TEST(LookaheadQueue, WithoutLookaheadEveryJobIsDoneWhereItWasLookedAt) {
  LookaheadQueue<int> q(0);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(q.push(i));
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(take_fresh(q), i);
    EXPECT_EQ(q.looked_at(i, /*cost=*/unsigned(10 - i), i, false), i);
  }
  q.close();
  EXPECT_FALSE(q.pop().has_value());
}

TEST(LookaheadQueue, TheCostliestLookedAtJobGoesFirst) {
  LookaheadQueue<int> q(3);
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(q.push(i));
  const unsigned cost[] = {1, 5, 2, 5, 9, 1};
  for (int i = 0; i < 3; ++i) {  // fewer than 3 wait: each hand-back asks for more
    ASSERT_EQ(take_fresh(q), i);
    EXPECT_FALSE(q.looked_at(i, cost[i], i, false).has_value());
  }
  auto task = q.pop();  // 3 wait: the dearest is done, not a fresh one looked at
  ASSERT_TRUE(task && task->looked_at);
  EXPECT_EQ(task->item, 1);
  ASSERT_EQ(take_fresh(q), 3);
  EXPECT_FALSE(q.looked_at(3, cost[3], 3, false).has_value());
  task = q.pop();
  ASSERT_TRUE(task && task->looked_at);
  EXPECT_EQ(task->item, 3);
  ASSERT_EQ(take_fresh(q), 4);
  EXPECT_FALSE(q.looked_at(4, cost[4], 4, false).has_value());
  task = q.pop();
  ASSERT_TRUE(task && task->looked_at);
  EXPECT_EQ(task->item, 4);
  ASSERT_EQ(take_fresh(q), 5);
  // No fresh job left to look at: the hand-back returns the dearest waiting, the lowest
  // number among equals.
  EXPECT_EQ(q.looked_at(5, cost[5], 5, false), 2);
  q.close();
  std::vector<int> rest;
  while (auto t = q.pop()) {
    EXPECT_TRUE(t->looked_at);
    rest.push_back(t->item);
  }
  EXPECT_EQ(rest, (std::vector<int>{0, 5}));
}

TEST(LookaheadQueue, MoreThanTheLookaheadWaitingHandsOneBack) {
  // Two workers took fresh jobs while none waited; the second hand-back makes two wait.
  LookaheadQueue<int> q(1);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(q.push(i));
  ASSERT_EQ(take_fresh(q), 0);
  ASSERT_EQ(take_fresh(q), 1);
  EXPECT_FALSE(q.looked_at(0, 1, 0, false).has_value());
  EXPECT_EQ(q.looked_at(1, 4, 1, false), 1);
}

TEST(LookaheadQueue, AnUrgentJobIsDoneAtOnceUnlessADearerOneWaits) {
  LookaheadQueue<int> q(8);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(q.push(i));
  ASSERT_EQ(take_fresh(q), 0);
  EXPECT_FALSE(q.looked_at(0, 3, 0, false).has_value());
  ASSERT_EQ(take_fresh(q), 1);
  EXPECT_EQ(q.looked_at(1, 10, 1, true), 1);
  ASSERT_EQ(take_fresh(q), 2);
  EXPECT_FALSE(q.looked_at(2, 12, 2, false).has_value());
  ASSERT_EQ(take_fresh(q), 3);
  // 2 waits and is dearer: it goes to this worker, and 3 waits instead.
  EXPECT_EQ(q.looked_at(3, 10, 3, true), 2);
  q.close();
  std::vector<int> rest;
  while (auto t = q.pop()) rest.push_back(t->item);
  EXPECT_EQ(rest, (std::vector<int>{3, 0}));
}

TEST(LookaheadQueue, AnAddedJobWaitsByItsCost) {
  // A worker splits a job it looked at: one half it does, the other waits as the dearest.
  LookaheadQueue<int> q(4);
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(q.push(i));
  ASSERT_EQ(take_fresh(q), 0);
  EXPECT_FALSE(q.looked_at(0, 3, 0, false).has_value());
  ASSERT_EQ(take_fresh(q), 1);
  ASSERT_TRUE(q.add(101, 10, 3));
  EXPECT_EQ(q.looked_at(100, 10, 2, true), 100);
  q.close();
  std::vector<int> rest;
  while (auto t = q.pop()) rest.push_back(t->item);
  EXPECT_EQ(rest, (std::vector<int>{101, 0}));
  q.abort();
  EXPECT_FALSE(q.add(102, 10, 4));
}

TEST(LookaheadQueue, ADroppedJobNeedsNoDoing) {
  LookaheadQueue<int> q(2);
  ASSERT_TRUE(q.push(0));
  ASSERT_EQ(take_fresh(q), 0);
  q.close();
  std::atomic<bool> ended{false};
  std::thread idle([&] {
    EXPECT_FALSE(q.pop().has_value());
    ended = true;
  });
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(ended.load()) << "a job being looked at may still come back";
  q.dropped();
  idle.join();
  EXPECT_TRUE(ended.load());
}

TEST(LookaheadQueue, AbortEndsWaitersThoughAJobIsBeingLookedAt) {
  // A worker that fails while looking at a job never hands it back.
  LookaheadQueue<int> q(2);
  ASSERT_TRUE(q.push(0));
  ASSERT_TRUE(q.push(1));
  ASSERT_EQ(take_fresh(q), 0);
  ASSERT_EQ(take_fresh(q), 1);
  std::thread idle([&] { EXPECT_FALSE(q.pop().has_value()); });
  std::this_thread::sleep_for(20ms);
  q.abort();
  idle.join();
  EXPECT_FALSE(q.looked_at(1, 10, 1, true).has_value()) << "nothing is done after an abort";
  EXPECT_FALSE(q.push(2));
}

TEST(LookaheadQueue, WorkersWaitForJobsThatAreBeingLookedAt) {
  // An idle worker must not end while another looks at the last fresh job, which comes back
  // to be done.
  LookaheadQueue<int> q(4);
  ASSERT_TRUE(q.push(7));
  ASSERT_EQ(take_fresh(q), 7);
  q.close();
  std::atomic<int> got{-1};
  std::thread idle([&] {
    auto task = q.pop();
    if (task) got = task->item;
    EXPECT_FALSE(q.pop().has_value());
  });
  std::this_thread::sleep_for(20ms);
  // Nothing else to look at: the job goes back to the worker that looked at it, and the
  // idle one ends.
  EXPECT_EQ(q.looked_at(7, 1, 7, false), 7);
  idle.join();
  EXPECT_EQ(got.load(), -1);
}

TEST(LookaheadQueue, TakingTheLastAddedJobLetsTheOtherIdleWorkersEnd) {
  // A worker looks at the last fresh job, adds a piece of it (Pipeline::cut) and does the
  // rest at once; an idle worker takes the piece. The queue is then closed and empty with
  // nothing looked at, which the other idle worker must learn: no hand-back follows to
  // wake it. Repeated, since which idle worker takes the piece is up to the scheduler.
  for (int round = 0; round < 50; ++round) {
    LookaheadQueue<int> q(0);
    ASSERT_TRUE(q.push(1));
    ASSERT_EQ(take_fresh(q), 1);
    q.close();
    std::atomic<int> ended{0}, got{-1};
    auto idle = [&] {
      if (auto task = q.pop()) got = task->item;
      ++ended;
    };
    std::thread a(idle), b(idle);
    std::this_thread::sleep_for(2ms);
    ASSERT_TRUE(q.add(2, 10, 2));
    EXPECT_EQ(q.looked_at(1, 10, 1, true), 1);
    for (int i = 0; i < 200 && ended < 2; ++i) std::this_thread::sleep_for(5ms);
    EXPECT_EQ(ended.load(), 2) << "an idle worker still waits on a closed, empty queue (round " << round << ")";
    if (ended < 2) q.abort();  // lets the test end
    a.join();
    b.join();
    EXPECT_EQ(got.load(), 2);
    if (HasFailure()) break;
  }
}

TEST(LookaheadQueue, EveryJobIsDoneOnceUnderStress) {
  constexpr int kJobs = 5000, kWorkers = 8;
  LookaheadQueue<int> q(2 * kWorkers);
  // Jobs kJobs + j: a second piece of the dear job j, added as the pipeline adds them.
  std::vector<std::atomic<int>> looked(kJobs), done(2 * kJobs);
  auto dear = [](int job) { return unsigned(job * 7919) % 13 >= 11; };
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&] {
      while (auto task = q.pop()) {
        int job = task->item;
        if (!task->looked_at) {
          ++looked[job];
          if (job % 97 == 0) {  // some need no doing
            q.dropped();
            continue;
          }
          const unsigned cost = unsigned(job * 7919) % 13;
          if (dear(job)) q.add(kJobs + job, cost, kJobs + job);
          auto now = q.looked_at(job, cost, job, dear(job));
          if (!now) continue;
          job = *now;
        }
        ++done[job];
      }
    });
  for (int i = 0; i < kJobs; ++i) ASSERT_TRUE(q.push(i));
  q.close();
  for (auto& t : workers) t.join();
  for (int i = 0; i < kJobs; ++i) {
    EXPECT_EQ(looked[i].load(), 1) << i;
    EXPECT_EQ(done[i].load(), i % 97 == 0 ? 0 : 1) << i;
    EXPECT_EQ(done[kJobs + i].load(), i % 97 != 0 && dear(i) ? 1 : 0) << i;
  }
}

}  // namespace
}  // namespace rigz
