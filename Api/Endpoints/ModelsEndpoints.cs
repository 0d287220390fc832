using FlorenceVL.Api.Errors;
using FlorenceVL.Api.Hosting;
using FlorenceVL.Contracts;
using FlorenceVL.Contracts.Errors;
using FlorenceVL.Contracts.Models;
using FlorenceVL.Engine.Serving;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlorenceVL.Api.Endpoints;

public static class ModelsEndpoints
{
    /// <summary>The owner every OpenAI-compatible server puts here for a self-hosted model.</summary>
    public const string Owner = "florencevl";

    public static JsonHttpResult<ModelList> ListModels(EngineHost host) =>
        TypedResults.Json(new ModelList { Data = [Card(host.Engine!.Model)] }, ContractsJsonContext.Default.ModelList);

    public static Results<JsonHttpResult<ModelCard>, OpenAIErrorResult> RetrieveModel(string id, EngineHost host)
    {
        var model = host.Engine!.Model;
        if (id != model.Id)
            return OpenAIErrors.From(OpenAIErrorReply.ModelNotFound(id));
        return TypedResults.Json(Card(model), ContractsJsonContext.Default.ModelCard);
    }

    private static ModelCard Card(ModelDescriptor model) =>
        new() { Id = model.Id, Created = model.LoadedAt.ToUnixTimeSeconds(), OwnedBy = Owner };
}
