"""trapcheck: runs a snippet's main() and proves deadlocks (the Python side of src/verify).

One module per job:

- report:        the protocol on the report fd (hello, started, one verdict, exit);
- frames:        call and await chains as the witness shows them;
- naming:        readable lock names from the line that created the lock;
- vocabulary:    the codes this harness may send (a copy of src/verify/vocabulary.ts, tested);
- waitgraph:     lock records, thread identities and the wait-for graph with its cycle search;
- asyncio_locks: asyncio.Lock with owner tracking and the cycle check before a task waits;
- thread_locks:  threading.Lock / RLock replacements with the same;
- lockorder:     lock order by lock class, lockdep-style: potential deadlocks on every verdict;
- primitives:    creation sites and users of the other waitables; threads parked in Condition.wait;
- waits:         what a task or thread waits on (resource, kind, op), read when a witness is built;
- cancellation:  whether a timer or pending cancel may still break a task's wait;
- stuck:         which threads can never run again (lock waits, joins), for proofs with threads;
- executors:     work in flight in ThreadPoolExecutors (what could still wake a loop);
- quiescence:    the proof that an event loop can never wake up again;
- watchdog:      the timeout, and the proof that every thread is stuck for good;
- witness:       builds the witness facts (src/verify/facts.ts) for a verdict: no English;
- loader:        imports the snippet and finds main();
- runner:        calls main() (sync or async) and turns the outcome into a verdict;
- session:       wires the above together for harness.py.

Standard library only; CPython 3.11 to 3.13.

What a proof does not see (documented limits, each can only make a real deadlock look like one
where the program would still have ended):
- a lock cycle of asyncio tasks is reported at once only when nothing else could still run and
  cancel a member: no live timer or ready callback on the loop, no fd but its self-pipe, no
  executor work in flight, no Python signal handler, no other thread that can act, no pending
  cancel request (else quiescence or the timeout decide): then nothing is left that could cancel
  a member or release one of its asyncio.Locks without owning it. A program with a ticker or a
  server running beside a real cycle therefore gets no early proof (a missed proof, not a false one);
- a lock cycle of threads through the main thread is not claimed while a Python signal handler is
  installed (a signal interrupts the main thread's acquire and its handler may raise);
- a thread made in C (a POSIX timer's SIGEV_THREAD callback, a native library's worker) shows no
  frame until it calls into Python: while the process has more OS threads than Python started
  (/proc/self/task; Linux only, elsewhere not checked), nothing is proven; nor while a signal
  handler installed in C is (SigCgt in /proc/self/status). Finalizers run when a thread ends are
  invisible to the thread analysis;
- locks created before the harness started, by concurrent.futures itself, or through
  _thread.allocate_lock are not tracked (a wait on them is never part of a proof);
- a thread counts as stuck in Condition.wait() (Event, Queue, Semaphore, Barrier, Future.result
  underneath) only while no notify has reached it and only when every other thread is stuck too:
  any running thread could notify. A wait with a timeout, a thread in C code (sleep, I/O, a C
  queue such as SimpleQueue), a thread starting or without a Python frame, or a Python signal
  handler means no proof;
- an asyncio Event/Condition/Semaphore/Queue wait is proven only by quiescence (nothing left on
  the loop, no timers, I/O or threads that could act): who "could" set or fill it is not guessed;
  `can-wake` edges (a queue's producers/consumers, a condition's notifiers, the task or worker
  that completes a future) are what the harness saw, for the reader, not the proof;
- lock order is by creation site: two locks created on one line are one class (their mutual
  order is not checked), and a gate lock held around both orders does not silence a warning.
"""
