using System.Buffers;
using System.Text;
using CohortKit.Errors;

namespace CohortKit.Csv;

/// <summary>
/// Streams RFC 4180-style records from UTF-8 bytes: comma-separated, optional double-quoted fields with <c>""</c>
/// escapes, LF or CRLF line ends. Quoted fields may not span lines. Reads in 1 MiB chunks; fields are exposed as
/// byte spans valid until the next <see cref="Read"/>.
/// </summary>
internal sealed class CsvRecordReader : IDisposable
{
    private const int ChunkSize = 1 << 20;
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
    private int _start;
    private int _end;
    private bool _eof;
    private readonly List<(int Start, int Length)> _fields = new(16);
    private byte[] _unquoted = new byte[256];
    private int _unquotedLength;

    public CsvRecordReader(Stream stream, string fileName, bool ownsStream)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        FileName = fileName;
    }

    public string FileName { get; }

    /// <summary>Gets the 1-based line number of the current record.</summary>
    public long Line { get; private set; }

    public int FieldCount => _fields.Count;

    public ReadOnlySpan<byte> this[int field]
    {
        get
        {
            var (s, l) = _fields[field];
            return s >= 0 ? _buffer.AsSpan(s, l) : _unquoted.AsSpan(~s, l);
        }
    }

    public string GetString(int field) => Encoding.UTF8.GetString(this[field]);

    public static CsvRecordReader Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        return new CsvRecordReader(stream, Path.GetFileName(path), ownsStream: true);
    }

    /// <summary>Reads the next non-empty record.</summary>
    /// <returns><see langword="false"/> at the end of the input.</returns>
    public bool Read()
    {
        while (true)
        {
            var nl = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (nl < 0 && !_eof)
            {
                Fill();
                continue;
            }

            if (nl < 0 && _start == _end)
            {
                return false;
            }

            var lineEnd = nl < 0 ? _end : _start + nl;
            var next = nl < 0 ? _end : lineEnd + 1;
            if (lineEnd > _start && _buffer[lineEnd - 1] == (byte)'\r')
            {
                lineEnd--;
            }

            if (Line == 0 && _buffer.AsSpan(_start, lineEnd - _start).StartsWith("\uFEFF"u8))
            {
                _start += 3; // a UTF-8 byte order mark before the header
            }

            Line++;
            var isEmpty = lineEnd == _start;
            if (!isEmpty)
            {
                Split(_start, lineEnd);
            }

            _start = next;
            if (!isEmpty)
            {
                return true;
            }
        }
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
            var q = _buffer.AsSpan(i, to - i).IndexOf((byte)'"');
            if (q < 0)
            {
                throw new CsvFormatException(FileName, Line, null, null, "A quoted field is not closed on its line.");
            }

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
                throw new CsvFormatException(FileName, Line, null, null, "Unexpected text after a closing quote.");
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
