// The one table of training recipes: every recipe file contributes its rows (description,
// defaults, factory), listed here in the order the studio and --help show them. An explicit list
// rather than static registration objects, so that no recipe depends on static initialisation
// order or is dropped by the linker.

#include "Recipe.h"

#include "tessera/core/Error.h"

#include <algorithm>

namespace tessera {
namespace detail {

const std::vector<RecipeRow> &recipeRows()
{
    static const std::vector<RecipeRow> rows = [] {
        std::vector<RecipeRow> all;
        for (std::vector<RecipeRow> (*contribute)() :
             {sequenceTaskRecipeRows, causalReverseRecipeRows, textGptRecipeRows, textBertRecipeRows, datesRecipeRows,
              fashionVitRecipeRows, diffusionRecipeRows, detrRecipeRows})
            for (RecipeRow &row : contribute())
                all.push_back(std::move(row));
        return all;
    }();
    return rows;
}

const RecipeRow *findRecipeRow(const std::string &name)
{
    const std::vector<RecipeRow> &rows = recipeRows();
    const auto it = std::find_if(rows.begin(), rows.end(), [&](const RecipeRow &row) { return row.info.name == name; });
    return it == rows.end() ? nullptr : &*it;
}

std::unique_ptr<Recipe> makeRecipe(const TrainingOptions &options)
{
    if (const RecipeRow *row = findRecipeRow(options.recipe))
        return row->make(options);
    throw Error("unknown recipe \"" + options.recipe + "\"");
}

} // namespace detail

const std::vector<RecipeInfo> &trainingRecipes()
{
    static const std::vector<RecipeInfo> recipes = [] {
        std::vector<RecipeInfo> list;
        for (const detail::RecipeRow &row : detail::recipeRows())
            list.push_back(row.info);
        return list;
    }();
    return recipes;
}

} // namespace tessera
