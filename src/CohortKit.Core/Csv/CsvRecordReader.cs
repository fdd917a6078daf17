using System.Buffers;
using System.Text;
using System.Text.Unicode;
using CohortKit.Errors;

namespace CohortKit.Csv;

/// <summary>
/// Streams RFC 4180 records from strictly valid UTF-8 bytes: comma-separated; optional double-quoted fields with <c>""</c>
/// escapes, which may span lines; LF, CRLF or a lone CR as line end; a final line end required (a file without one is taken
/// as cut short); lines longer than <see cref="MaxRecordBytes"/> refused. Reads in 1 MiB chunks; fields are exposed as byte
/// spans valid until the next <see cref="Read"/>. See docs/core.md, "CSV dialect".
/// </summary>
internal sealed class CsvRecordReader : IDisposable
{
    /// <summary>The longest record accepted, in bytes (16 MiB), so a file without line ends cannot exhaust memory.</summary>
    public const int DefaultMaxRecordBytes = 16 << 20;

    private const int ChunkSize = 1 << 20;
    private static readonly SearchValues<byte> QuoteOrLineEnd = SearchValues.Create("\"\r\n"u8);
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
    private int _start;
    private int _end;
    private bool _eof;
    private long _nextLine = 1;
    private bool _byteOrderMarkChecked;
    private readonly List<(int Start, int Length)> _fields = new(16);
    private byte[] _unquoted = new byte[256];
    private int _unquotedLength;

    public CsvRecordReader(Stream stream, string fileName, bool ownsStream, int maxRecordBytes = DefaultMaxRecordBytes)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        FileName = fileName;
        MaxRecordBytes = maxRecordBytes;
    }

    public string FileName { get; }

    /// <summary>Gets the longest record accepted, in bytes.</summary>
    public int MaxRecordBytes { get; }

    /// <summary>Gets the 1-based line number on which the current record starts.</summary>
    public long Line { get; private set; }

    /// <summary>Gets or sets the header's column names, used to name the column in errors found by the reader itself.</summary>
    public IReadOnlyList<string>? ColumnNames { get; set; }

    public int FieldCount => _fields.Count;

    public ReadOnlySpan<byte> this[int field]
    {
        get
        {
            var (s, l) = _fields[field];
            return s >= 0 ? _buffer.AsSpan(s, l) : _unquoted.AsSpan(~s, l);
        }
    }

    /// <summary>Decodes a field (already validated as UTF-8 by <see cref="Read"/>).</summary>
    public string GetString(int field) => Encoding.UTF8.GetString(this[field]);

    /// <summary>Gets the name of a field's column for messages: the header name when known, else "field N".</summary>
    public string ColumnName(int field)
        => ColumnNames is { } names && field < names.Count ? names[field] : $"field {field + 1}";

    /// <summary>Opens a CSV file for reading.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist, or the path is a folder.</exception>
    public static CsvRecordReader Open(string path)
    {
        if (Directory.Exists(path))
        {
            throw new FileNotFoundException($"'{path}' is a folder, not a file.", path);
        }

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        return new CsvRecordReader(stream, Path.GetFileName(path), ownsStream: true);
    }

    /// <summary>Opens a CSV file whose last line may lack a line end (read whole into memory, a line end added when missing).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist, or the path is a folder.</exception>
    public static CsvRecordReader OpenTerminated(string path)
    {
        if (Directory.Exists(path))
        {
            throw new FileNotFoundException($"'{path}' is a folder, not a file.", path);
        }

        var bytes = File.ReadAllBytes(path);
        if (bytes.Length > 0 && bytes[^1] is not ((byte)'\n' or (byte)'\r'))
        {
            Array.Resize(ref bytes, bytes.Length + 1);
            bytes[^1] = (byte)'\n';
        }

        return new CsvRecordReader(new MemoryStream(bytes, writable: false), Path.GetFileName(path), ownsStream: true);
    }

    /// <summary>Reads the next non-empty record.</summary>
    /// <returns><see langword="false"/> at the end of the input.</returns>
    /// <exception cref="CsvFormatException">The record is not valid UTF-8, a quoted field is not closed, the last line has no
    /// line end, or the record is longer than <see cref="MaxRecordBytes"/>.</exception>
    public bool Read()
    {
        while (true)
        {
            if (_start == _end)
            {
                if (_eof) { return false; }
                Fill();
                continue;
            }

            if (!_byteOrderMarkChecked && !SkipByteOrderMark())
            {
                continue;
            }

            if (!TryFindRecordEnd(out var recordEnd, out var terminator, out var lineBreaks))
            {
                Fill();
                continue;
            }

            Line = _nextLine;
            _nextLine += lineBreaks + 1;
            var next = recordEnd + terminator;
            if (recordEnd == _start)
            {
                _start = next; // an empty line
                continue;
            }

            var record = _buffer.AsSpan(_start, recordEnd - _start);
            Split(_start, recordEnd);
            if (!Utf8.IsValid(record))
            {
                ThrowInvalidUtf8();
            }

            _start = next;
            return true;
        }
    }

    /// <summary>Skips a UTF-8 byte order mark at the start of the file; false when more bytes are needed to tell.</summary>
    private bool SkipByteOrderMark()
    {
        if (_end - _start < 3 && !_eof)
        {
            Fill();
            return false;
        }

        if (_buffer.AsSpan(_start, _end - _start).StartsWith("\uFEFF"u8))
        {
            _start += 3;
        }

        _byteOrderMarkChecked = true;
        return true;
    }

    /// <summary>Finds where the record starting at <c>_start</c> ends, honouring quotes. False when the buffer holds no
    /// complete record yet (the caller reads more); throws when the input ends inside the record.</summary>
    private bool TryFindRecordEnd(out int recordEnd, out int terminator, out int lineBreaksInside)
    {
        recordEnd = terminator = lineBreaksInside = 0;
        var i = _start;
        var hasQuotes = false;
        while (true)
        {
            var rel = _buffer.AsSpan(i, _end - i).IndexOfAny(QuoteOrLineEnd);
            if (rel < 0)
            {
                return NeedMore(quoteOpenedAt: -1);
            }

            var at = i + rel;
            var b = _buffer[at];
            if (b == (byte)'"')
            {
                if (at != _start && _buffer[at - 1] != (byte)',')
                {
                    i = at + 1; // a quote inside an unquoted field is text; Split decides whether it is allowed
                    continue;
                }

                hasQuotes = true;
                if (!TrySkipQuoted(at + 1, out i))
                {
                    return NeedMore(quoteOpenedAt: at);
                }

                continue;
            }

            if (b == (byte)'\r' && at + 1 == _end && !_eof)
            {
                return NeedMore(quoteOpenedAt: -1); // CR at the end of the buffer: CRLF or a lone CR?
            }

            recordEnd = at;
            terminator = b == (byte)'\r' && at + 1 < _end && _buffer[at + 1] == (byte)'\n' ? 2 : 1;
            if (hasQuotes)
            {
                lineBreaksInside = CountLineBreaks(_buffer.AsSpan(_start, recordEnd - _start));
            }

            return true;
        }
    }

    /// <summary>Moves past a quoted field's closing quote; false when the buffer ends first.</summary>
    private bool TrySkipQuoted(int i, out int after)
    {
        while (true)
        {
            var rel = _buffer.AsSpan(i, _end - i).IndexOf((byte)'"');
            if (rel < 0 || (i + rel + 1 == _end && !_eof))
            {
                after = 0;
                return false; // no closing quote yet, or a quote at the buffer's end that may be the first of ""
            }

            var q = i + rel;
            if (q + 1 < _end && _buffer[q + 1] == (byte)'"')
            {
                i = q + 2;
                continue;
            }

            after = q + 1;
            return true;
        }
    }

    private bool NeedMore(int quoteOpenedAt)
    {
        if (!_eof)
        {
            if (_end - _start >= MaxRecordBytes)
            {
                throw new CsvFormatException(FileName, _nextLine, null, null,
                    $"The line is longer than {MaxRecordBytes / (1 << 20)} MiB without a line end; is this a CSV file?");
            }

            return false;
        }

        if (quoteOpenedAt >= 0)
        {
            var line = _nextLine + CountLineBreaks(_buffer.AsSpan(_start, quoteOpenedAt - _start));
            throw new CsvFormatException(FileName, line, ColumnName(_buffer.AsSpan(_start, quoteOpenedAt - _start).Count((byte)',')), null,
                "A quoted field is not closed before the end of the file.");
        }

        throw new CsvFormatException(FileName, _nextLine, null, null,
            "The last line has no line end, so the file may be cut short (e.g. still being written); a complete file ends with a line end.");
    }

    private static int CountLineBreaks(ReadOnlySpan<byte> text)
    {
        var count = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == (byte)'\n' || (text[i] == (byte)'\r' && (i + 1 == text.Length || text[i + 1] != (byte)'\n')))
            {
                count++;
            }
        }

        return count;
    }

    private void ThrowInvalidUtf8()
    {
        for (var f = 0; f < _fields.Count; f++)
        {
            var field = this[f];
            if (Utf8.IsValid(field))
            {
                continue;
            }

            var offset = 0;
            while (System.Text.Rune.DecodeFromUtf8(field[offset..], out _, out var consumed) == OperationStatus.Done)
            {
                offset += consumed;
            }

            throw new CsvFormatException(FileName, Line, ColumnName(f), Encoding.UTF8.GetString(field),
                $"It is not valid UTF-8 (byte 0x{field[offset]:X2} at byte {offset + 1} of the field); save the file as UTF-8 (it may be Latin-1 or Windows-1252).");
        }

        throw new CsvFormatException(FileName, Line, null, null, "The line is not valid UTF-8; save the file as UTF-8.");
    }

    private void Split(int from, int to)
    {
        _fields.Clear();
        _unquotedLength = 0;
        var i = from;
        while (true)
        {
            if (i < to && _buffer[i] == (byte)'"')
            {
                i = ReadQuoted(i + 1, to);
            }
            else
            {
                var comma = _buffer.AsSpan(i, to - i).IndexOf((byte)',');
                var fieldEnd = comma < 0 ? to : i + comma;
                _fields.Add((i, fieldEnd - i));
                i = fieldEnd;
            }

            if (i >= to)
            {
                return;
            }

            i++; // past the comma
            if (i == to)
            {
                _fields.Add((i, 0));
                return;
            }
        }
    }

    private int ReadQuoted(int i, int to)
    {
        var begin = _unquotedLength;
        while (true)
        {
            // TryFindRecordEnd has checked that the quote closes before the record ends.
            var q = _buffer.AsSpan(i, to - i).IndexOf((byte)'"');
            Append(_buffer.AsSpan(i, q));
            i += q + 1;
            if (i < to && _buffer[i] == (byte)'"')
            {
                Append("\""u8);
                i++;
                continue;
            }

            if (i < to && _buffer[i] != (byte)',')
            {
                throw new CsvFormatException(FileName, Line, ColumnName(_fields.Count), null, "Unexpected text after a closing quote.");
            }

            _fields.Add((~begin, _unquotedLength - begin));
            return i;
        }
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_unquotedLength + bytes.Length > _unquoted.Length)
        {
            Array.Resize(ref _unquoted, Math.Max(_unquoted.Length * 2, _unquotedLength + bytes.Length));
        }

        bytes.CopyTo(_unquoted.AsSpan(_unquotedLength));
        _unquotedLength += bytes.Length;
    }

    private void Fill()
    {
        var remaining = _end - _start;
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, remaining);
            _start = 0;
            _end = remaining;
        }

        if (_end == _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(0, _end).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
    }

    public void Dispose()
    {
        if (_ownsStream)
        {
            _stream.Dispose();
        }

        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
