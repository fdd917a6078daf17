using System.Buffers;
using System.Globalization;
using System.Text;

namespace CohortKit.Csv;

/// <summary>A buffered UTF-8 CSV writer: culture-invariant numbers, RFC 4180 quoting where a field needs it, LF line ends.</summary>
internal sealed class CsvWriter : IDisposable
{
    private readonly Stream _stream;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
    private int _length;
    private bool _needComma;

    public CsvWriter(Stream stream) => _stream = stream;

    public static CsvWriter Create(string path)
        => new(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.SequentialScan));

    public void WriteField(string value)
    {
        BeginField();
        var needsQuotes = value.AsSpan().IndexOfAny(",\"\r\n") >= 0;
        if (needsQuotes)
        {
            value = "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        }

        Ensure(Encoding.UTF8.GetMaxByteCount(value.Length));
        _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
    }

    public void WriteField<T>(T value, string? format = null)
        where T : IUtf8SpanFormattable
    {
        BeginField();
        Ensure(64);
        if (!value.TryFormat(_buffer.AsSpan(_length), out var written, format, CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("A value did not fit in 64 bytes.");
        }

        _length += written;
    }

    /// <summary>Writes UTC ticks as ISO 8601 with as many fraction digits as the ticks need (none for whole seconds,
    /// up to seven), so a timestamp reads back to the same tick.</summary>
    public void WriteTimestamp(long utcTicks) => WriteField(new DateTime(utcTicks, DateTimeKind.Utc), "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'");

    public void EndRecord()
    {
        Ensure(1);
        _buffer[_length++] = (byte)'\n';
        _needComma = false;
    }

    private void BeginField()
    {
        if (_needComma)
        {
            Ensure(1);
            _buffer[_length++] = (byte)',';
        }

        _needComma = true;
    }

    private void Ensure(int bytes)
    {
        if (_length + bytes <= _buffer.Length)
        {
            return;
        }

        Flush();
        if (bytes > _buffer.Length)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(bytes);
        }
    }

    private void Flush()
    {
        _stream.Write(_buffer, 0, _length);
        _length = 0;
    }

    public void Dispose()
    {
        Flush();
        _stream.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
