using System.Globalization;
using System.Text;
using FlorenceVL.Engine.Diagnostics;
using FlorenceVL.Engine.Serving;

namespace FlorenceVL.Api.Metrics;

/// <summary>Writes metrics in the Prometheus text exposition format (version 0.0.4).</summary>
public sealed class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new();

    public PrometheusText Gauge(string name, string help, double value) => Single(name, help, "gauge", value);

    public PrometheusText Counter(string name, string help, double value) => Single(name, help, "counter", value);

    public PrometheusText LabelledCounter(string name, string help, string label, IEnumerable<KeyValuePair<string, long>> values)
    {
        Header(name, help, "counter");
        foreach (var (labelValue, value) in values.OrderBy(v => v.Key, StringComparer.Ordinal))
            _text.Append(name).Append('{').Append(label).Append("=\"").Append(Escape(labelValue)).Append("\"} ").Append(Format(value)).Append('\n');
        return this;
    }

    public PrometheusText Histogram(string name, string help, Histogram histogram)
    {
        Header(name, help, "histogram");
        var (cumulative, sum, count) = histogram.Snapshot();
        for (var i = 0; i < cumulative.Length; i++)
        {
            var bound = i < histogram.UpperBounds.Count ? Format(histogram.UpperBounds[i]) : "+Inf";
            _text.Append(name).Append("_bucket{le=\"").Append(bound).Append("\"} ").Append(Format(cumulative[i])).Append('\n');
        }
        _text.Append(name).Append("_sum ").Append(Format(sum)).Append('\n');
        _text.Append(name).Append("_count ").Append(Format(count)).Append('\n');
        return this;
    }

    public override string ToString() => _text.ToString();

    private PrometheusText Single(string name, string help, string type, double value)
    {
        Header(name, help, type);
        _text.Append(name).Append(' ').Append(Format(value)).Append('\n');
        return this;
    }

    private void Header(string name, string help, string type) =>
        _text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
             .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
}
