package io.kqf.http.rest.doc;

import java.io.Writer;

/**
 * A {@link Writer} into a {@link StringBuilder}, without the locking of {@code StringWriter}
 * (a {@code StringBuffer}) or of the byte streams: a document writer calls it once a character.
 * One thread writes one document.
 */
final class TextBuffer extends Writer {
    private final StringBuilder text = new StringBuilder(4096);

    @Override
    public void write(int c) {
        text.append((char) c);
    }

    @Override
    public void write(char[] chars, int offset, int length) {
        text.append(chars, offset, length);
    }

    @Override
    public void write(String string, int offset, int length) {
        text.append(string, offset, offset + length);
    }

    @Override
    public Writer append(CharSequence chars) {
        text.append(chars);
        return this;
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
