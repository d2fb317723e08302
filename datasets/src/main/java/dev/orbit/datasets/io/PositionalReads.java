package dev.orbit.datasets.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Fills a buffer from a fixed file position without moving the channel's own position. */
final class PositionalReads {

    private PositionalReads() {}

    static void readFully(FileChannel channel, ByteBuffer dst, long position, String source) throws IOException {
        long pos = position;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, pos);
            if (n < 0) {
                throw new MalformedFileException(source + " ended at byte " + pos
                        + " while more data was expected (was it truncated while being read?).");
            }
            pos += n;
        }
        dst.flip();
    }
}
