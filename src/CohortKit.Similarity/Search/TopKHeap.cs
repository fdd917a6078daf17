namespace CohortKit.Similarity.Search;

/// <summary>A bounded min-heap keeping the k best (key, row) pairs; higher key is better, ties prefer the lower row.</summary>
internal sealed class TopKHeap
{
    private readonly float[] _keys;
    private readonly int[] _rows;

    public TopKHeap(int k)
    {
        _keys = new float[k];
        _rows = new int[k];
    }

    public int Count { get; private set; }

    public bool IsFull => Count == _keys.Length;

    /// <summary>The worst key kept (the bar a newcomer must clear once full).</summary>
    public float Threshold => IsFull ? _keys[0] : float.NegativeInfinity;

    public void Offer(float key, int row)
    {
        if (Count < _keys.Length)
        {
            var i = Count++;
            _keys[i] = key;
            _rows[i] = row;
            SiftUp(i);
            return;
        }

        if (!Better(key, row, _keys[0], _rows[0]))
        {
            return;
        }

        _keys[0] = key;
        _rows[0] = row;
        SiftDown(0);
    }

    public void MergeInto(TopKHeap other)
    {
        for (var i = 0; i < Count; i++) { other.Offer(_keys[i], _rows[i]); }
    }

    /// <summary>The kept pairs, best first.</summary>
    public (float Key, int Row)[] Sorted()
    {
        var items = new (float Key, int Row)[Count];
        for (var i = 0; i < Count; i++) { items[i] = (_keys[i], _rows[i]); }
        Array.Sort(items, static (a, b) => a.Key != b.Key ? b.Key.CompareTo(a.Key) : a.Row.CompareTo(b.Row));
        return items;
    }

    private static bool Better(float key, int row, float otherKey, int otherRow) => key > otherKey || (key == otherKey && row < otherRow);

    private void SiftUp(int i)
    {
        while (i > 0)
        {
            var parent = (i - 1) / 2;
            if (!Better(_keys[parent], _rows[parent], _keys[i], _rows[i])) { break; }
            Swap(i, parent);
            i = parent;
        }
    }

    private void SiftDown(int i)
    {
        while (true)
        {
            int l = 2 * i + 1, r = l + 1, worst = i;
            if (l < Count && Better(_keys[worst], _rows[worst], _keys[l], _rows[l])) { worst = l; }
            if (r < Count && Better(_keys[worst], _rows[worst], _keys[r], _rows[r])) { worst = r; }
            if (worst == i) { return; }
            Swap(i, worst);
            i = worst;
        }
    }

    private void Swap(int a, int b)
    {
        (_keys[a], _keys[b]) = (_keys[b], _keys[a]);
        (_rows[a], _rows[b]) = (_rows[b], _rows[a]);
    }
}
