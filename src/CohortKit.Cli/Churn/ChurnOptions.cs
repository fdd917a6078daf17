using System.CommandLine;
using CohortKit.Churn.Models;

namespace CohortKit.Cli.Churn;

/// <summary>Options shared by the churn commands.</summary>
internal static class ChurnOptions
{
    /// <summary><c>--model</c>: the learner.</summary>
    public static Option<ChurnModelType> Model() => new("--model")
    {
        Description = "The learner: FastTree (default), LightGbm, Logistic, or Blend (FastTree and Logistic stacked by a logistic regression on their held-out scores).",
        DefaultValueFactory = _ => ChurnModelType.FastTree,
    };

    /// <summary>The trainer's seed from <c>--seed</c> (ML.NET takes an int).</summary>
    public static int Seed(long seed) => seed is >= int.MinValue and <= int.MaxValue
        ? (int)seed
        : throw new ArgumentException($"--seed {seed}: the churn models take a 32-bit seed.");
}
