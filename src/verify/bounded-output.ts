/**
 * Collects a stream's output while keeping memory bounded: the first `head` and the last
 * `tail` bytes are kept, and how many bytes were left out in between is counted.
 */
export class BoundedOutput {
	private first: Buffer[] = [];
	private firstBytes = 0;
	private last: Buffer[] = [];
	private lastBytes = 0;
	private omitted = 0;
	private readonly head: number;
	private readonly tail: number;

	constructor(head = 16 * 1024, tail = 16 * 1024) {
		this.head = head;
		this.tail = tail;
	}

	/** Adds a chunk; never holds more than head + tail (+ one chunk) bytes. */
	push(chunk: Buffer): void {
		if (this.firstBytes < this.head) {
			const take = Math.min(this.head - this.firstBytes, chunk.length);
			this.first.push(chunk.subarray(0, take));
			this.firstBytes += take;
			chunk = chunk.subarray(take);
			if (chunk.length === 0) return;
		}
		this.last.push(chunk);
		this.lastBytes += chunk.length;
		while (this.lastBytes - this.last[0].length >= this.tail) {
			const dropped = this.last.shift()!;
			this.lastBytes -= dropped.length;
			this.omitted += dropped.length;
		}
	}

	/** Total bytes seen. */
	get totalBytes(): number {
		return this.firstBytes + this.omitted + this.lastBytes;
	}

	/** True when some output was left out. */
	get truncated(): boolean {
		return this.omitted > 0 || this.lastBytes > this.tail;
	}

	/** The kept text, with a marker saying how much was left out where it was. */
	text(): string {
		let tail = Buffer.concat(this.last);
		let omitted = this.omitted;
		if (tail.length > this.tail) {
			omitted += tail.length - this.tail;
			tail = tail.subarray(tail.length - this.tail);
		}
		const head = Buffer.concat(this.first).toString('utf8');
		return omitted > 0 ? `${head}\n… ${omitted} bytes left out …\n${tail.toString('utf8')}` : head + tail.toString('utf8');
	}
}
