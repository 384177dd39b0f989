using System.Globalization;

namespace Fatechat.Tests.Support;

/// <summary>
/// One scrape of a Prometheus text endpoint, parsed into series: <c>name{label="value",…} number</c> per line,
/// comments skipped. Enough of the text format for the exporter's output (quoted label values may hold spaces).
/// </summary>
public sealed class PrometheusScrape
{
    public sealed record Series(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    private PrometheusScrape(string text, List<Series> series)
    {
        Text = text;
        All = series;
    }

    public string Text { get; }

    public IReadOnlyList<Series> All { get; }

    public static PrometheusScrape Parse(string text)
    {
        var series = new List<Series>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            int open = line.IndexOf('{');
            int space = line.IndexOf(' ');
            string name;
            string rest;
            if (open >= 0 && (space < 0 || open < space))
            {
                name = line[..open];
                int close = ParseLabels(line, open + 1, labels);
                rest = line[(close + 1)..].Trim();
            }
            else
            {
                name = line[..space];
                rest = line[space..].Trim();
            }

            var number = rest.Split(' ')[0];
            var value = number switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                _ => double.Parse(number, CultureInfo.InvariantCulture),
            };
            series.Add(new Series(name, labels, value));
        }

        return new PrometheusScrape(text, series);
    }

    /// <summary>The sum of the series named <paramref name="name"/> whose labels include every <paramref name="labels"/> pair (0 when none).</summary>
    public double Sum(string name, params (string Label, string Value)[] labels) =>
        Matching(name, labels).Sum(s => s.Value);

    public bool Has(string name, params (string Label, string Value)[] labels) => Matching(name, labels).Any();

    public IEnumerable<Series> Matching(string name, params (string Label, string Value)[] labels) =>
        All.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value));

    /// <summary>Reads <c>a="x",b="y"</c> up to the closing brace and returns its index.</summary>
    private static int ParseLabels(string line, int i, Dictionary<string, string> into)
    {
        while (i < line.Length && line[i] != '}')
        {
            int eq = line.IndexOf('=', i);
            var label = line[i..eq].Trim(',', ' ');
            var value = new System.Text.StringBuilder();
            int j = eq + 2; // past ="
            for (; line[j] != '"'; j++)
            {
                if (line[j] == '\\')
                {
                    j++;
                    value.Append(line[j] == 'n' ? '\n' : line[j]);
                }
                else
                {
                    value.Append(line[j]);
                }
            }

            into[label] = value.ToString();
            i = j + 1;
            if (i < line.Length && line[i] == ',')
            {
                i++;
            }
        }

        return i;
    }
}
