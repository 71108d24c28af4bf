package io.tfjmnist.serving;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Decode slots (one per core) shared fairly between clients: a free slot goes to the waiting client
 * with the fewest decodes running and, among equals, the one served least recently (round robin),
 * its longest-waiting ticket first. A client that queues
 * many costly images therefore takes turns with everybody else instead of ahead of them: another
 * client's request waits at most for one running decode to end, not for the whole queue.
 */
final class FairSlots {
  private final int slots;
  private int running;
  private final Map<String, Integer> runningBy = new HashMap<>();
  private final List<Ticket> waiting = new ArrayList<>(); // arrival order
  private long arrivals;
  private long grants;
  private final Map<String, Long> lastGrant = new HashMap<>(); // clients with tickets or decodes only

  FairSlots(int slots) {
    this.slots = Math.max(1, slots);
  }

  /** A place in the queue for one decode of {@code client}. */
  final class Ticket {
    private final String client;
    private final long arrival;
    private boolean granted;
    private boolean done;

    private Ticket(String client, long arrival) {
      this.client = client;
      this.arrival = arrival;
    }

    /** Waits up to {@code millis} for this ticket's slot; true once it holds one. */
    boolean await(long millis) throws InterruptedException {
      synchronized (FairSlots.this) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!granted) {
          if (running < slots && next() == this) {
            waiting.remove(this);
            running++;
            runningBy.merge(client, 1, Integer::sum);
            lastGrant.put(client, grants++);
            granted = true;
            break;
          }
          long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
          if (left <= 0) {
            return false;
          }
          FairSlots.this.wait(left);
        }
        return true;
      }
    }

    /** Gives the slot back, or leaves the queue if none was granted yet (idempotent). */
    void close() {
      synchronized (FairSlots.this) {
        if (done) {
          return;
        }
        done = true;
        if (granted) {
          running--;
          runningBy.merge(client, -1, (a, b) -> a + b == 0 ? null : a + b);
        } else {
          waiting.remove(this);
        }
        forgetIfIdle(client);
        FairSlots.this.notifyAll();
      }
    }
  }

  /** A client with nothing running or waiting starts afresh next time (bounded memory). */
  private void forgetIfIdle(String client) {
    if (!runningBy.containsKey(client) && waiting.stream().noneMatch(t -> t.client.equals(client))) {
      lastGrant.remove(client);
    }
  }

  /** Joins the queue. */
  synchronized Ticket enter(String client) {
    Ticket t = new Ticket(client, arrivals++);
    waiting.add(t);
    return t;
  }

  /** The waiting ticket to serve next: fewest running for its client, then served least recently, then the earliest. */
  private Ticket next() {
    Ticket best = null;
    int bestRunning = Integer.MAX_VALUE;
    long bestGrant = Long.MAX_VALUE;
    for (Ticket t : waiting) {
      int r = runningBy.getOrDefault(t.client, 0);
      long g = lastGrant.getOrDefault(t.client, -1L);
      if (r < bestRunning || (r == bestRunning && (g < bestGrant || (g == bestGrant && t.arrival < best.arrival)))) {
        best = t;
        bestRunning = r;
        bestGrant = g;
      }
    }
    return best;
  }

  synchronized int waitingCount() {
    return waiting.size();
  }
}
